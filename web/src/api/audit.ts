import { useInfiniteQuery, useMutation } from '@tanstack/react-query'
import { api, rawRequest } from './client'
import type { AuditEntry, AuditOutcome, AuditVerify, Page } from './types'

export interface AuditFilters {
  action?: string
  actor?: string
  outcome?: AuditOutcome
  from?: string
  to?: string
}

export function useAudit(filters: AuditFilters) {
  return useInfiniteQuery({
    queryKey: ['audit', filters],
    queryFn: ({ pageParam, signal }) =>
      api<Page<AuditEntry>>('/audit', { query: { ...filters, limit: 50, cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  })
}

export function useAuditVerify() {
  return useMutation({ mutationFn: () => api<AuditVerify>('/audit/verify') })
}

/** Fetches the CSV with the tenant header (a plain link could not send it) and hands back the file. */
export function useAuditExport() {
  return useMutation({
    mutationFn: async (filters: AuditFilters) => {
      const res = await rawRequest('/audit/export.csv', { query: { ...filters } })
      return res.blob()
    },
  })
}
