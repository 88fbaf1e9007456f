import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from './client'
import type { Tenant, TenantKind } from './types'

export const tenantsKey = ['tenants'] as const

export function useTenants(enabled = true) {
  return useQuery({
    queryKey: tenantsKey,
    queryFn: () => api<{ items: Tenant[] }>('/tenants'),
    select: (data) => data.items,
    enabled,
    staleTime: 30_000,
  })
}

export interface TenantCreate {
  slug: string
  name: string
  kind: TenantKind
  parentId: string
}

export interface TenantPatch {
  name?: string
  parentId?: string
  isDisabled?: boolean
}

export function useCreateTenant() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (body: TenantCreate) => api<Tenant>('/tenants', { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: tenantsKey }),
  })
}

export function useUpdateTenant() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: ({ id, ...body }: TenantPatch & { id: string }) =>
      api<Tenant>(`/tenants/${encodeURIComponent(id)}`, { method: 'PATCH', body }),
    // The user list shows tenant names too, so refresh it as well.
    onSuccess: () => Promise.all([qc.invalidateQueries({ queryKey: tenantsKey }), qc.invalidateQueries({ queryKey: ['users'] })]),
  })
}
