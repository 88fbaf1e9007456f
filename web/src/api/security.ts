import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from './client'
import type { SecurityPolicy } from './types'

const policyKey = ['security-policy'] as const

export function useSecurityPolicy() {
  return useQuery({ queryKey: policyKey, queryFn: () => api<SecurityPolicy>('/security/policy') })
}

export function useSaveSecurityPolicy() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (body: SecurityPolicy) => api<SecurityPolicy>('/security/policy', { method: 'PUT', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: policyKey }),
  })
}
