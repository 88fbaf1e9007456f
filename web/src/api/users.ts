import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query'
import { api } from './client'
import type { Membership, MembershipInput, Page, User } from './types'

export interface UserFilters {
  q?: string
  tenantId?: string
}

const PAGE_SIZE = 50

export function useUsers(filters: UserFilters) {
  return useInfiniteQuery({
    queryKey: ['users', filters],
    queryFn: ({ pageParam, signal }) =>
      api<Page<User>>('/users', { query: { ...filters, limit: PAGE_SIZE, cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  })
}

export interface UserInvite {
  username: string
  displayName: string
  email?: string
  phone?: string
  memberships: MembershipInput[]
}

export interface UserPatch {
  displayName?: string
  email?: string | null
  phone?: string | null
  isDisabled?: boolean
}

function useUserMutation<TVars, TResult>(fn: (vars: TVars) => Promise<TResult>) {
  const qc = useQueryClient()
  return useMutation({ mutationFn: fn, onSuccess: () => qc.invalidateQueries({ queryKey: ['users'] }) })
}

const userPath = (id: string) => `/users/${encodeURIComponent(id)}`

export const useInviteUser = () =>
  useUserMutation((body: UserInvite) =>
    api<{ user: User; temporaryPassword: string }>('/users', { method: 'POST', body }),
  )

export const useUpdateUser = () =>
  useUserMutation(({ id, ...body }: UserPatch & { id: string }) => api<User>(userPath(id), { method: 'PATCH', body }))

export const useResetPassword = () =>
  useUserMutation((id: string) =>
    api<{ temporaryPassword: string }>(`${userPath(id)}/reset-password`, { method: 'POST' }),
  )

export const useUnlockUser = () => useUserMutation((id: string) => api<void>(`${userPath(id)}/unlock`, { method: 'POST' }))

export const useAddMembership = () =>
  useUserMutation(({ userId, ...body }: MembershipInput & { userId: string }) =>
    api<Membership>(`${userPath(userId)}/memberships`, { method: 'POST', body }),
  )

export const useRemoveMembership = () =>
  useUserMutation(({ userId, membershipId }: { userId: string; membershipId: string }) =>
    api<void>(`${userPath(userId)}/memberships/${encodeURIComponent(membershipId)}`, { method: 'DELETE' }),
  )
