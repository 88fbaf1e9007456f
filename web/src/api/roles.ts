import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from './client'
import type { Permission, Role } from './types'

const rolesKey = ['roles'] as const

export function usePermissionCatalogue() {
  return useQuery({
    queryKey: ['permissions'],
    queryFn: () => api<{ items: Permission[] }>('/permissions'),
    select: (data) => data.items,
    staleTime: Infinity,
  })
}

export function useRoles(enabled = true) {
  return useQuery({
    queryKey: rolesKey,
    queryFn: () => api<{ items: Role[] }>('/roles'),
    select: (data) => data.items,
    enabled,
    staleTime: 30_000,
  })
}

export interface RoleInput {
  code: string
  name: string
  description?: string
  permissions: string[]
}

export function useSaveRole() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: ({ id, ...body }: RoleInput & { id?: string }) =>
      id
        ? api<Role>(`/roles/${encodeURIComponent(id)}`, { method: 'PATCH', body })
        : api<Role>('/roles', { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: rolesKey }),
  })
}

export function useDeleteRole() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (id: string) => api<void>(`/roles/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: rolesKey }),
  })
}
