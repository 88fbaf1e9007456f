import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, setCsrfToken } from './client'
import type { ApiToken, LoginReply, Me, TotpSetup } from './types'

export const meKey = ['me'] as const

export async function fetchMe(): Promise<Me> {
  const me = await api<Me>('/me')
  setCsrfToken(me.csrfToken)
  return me
}

export function useMe() {
  return useQuery({ queryKey: meKey, queryFn: fetchMe, staleTime: 60_000 })
}

export interface LoginInput {
  username: string
  password: string
  otp?: string
}

export function login(input: LoginInput): Promise<LoginReply> {
  return api<LoginReply>('/auth/login', { method: 'POST', body: input, isLoginCall: true })
}

export function logout(): Promise<void> {
  return api<void>('/auth/logout', { method: 'POST' })
}

export function useChangePassword() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (body: { currentPassword: string; newPassword: string }) =>
      api<void>('/auth/password', { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: meKey }),
  })
}

export function useTotpSetup() {
  return useMutation({ mutationFn: () => api<TotpSetup>('/auth/totp/setup', { method: 'POST' }) })
}

export function useTotpEnable() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (otp: string) => api<void>('/auth/totp/enable', { method: 'POST', body: { otp } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: meKey }),
  })
}

export function useTotpDisable() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (password: string) => api<void>('/auth/totp/disable', { method: 'POST', body: { password } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: meKey }),
  })
}

const tokensKey = ['tokens'] as const

export function useTokens() {
  return useQuery({ queryKey: tokensKey, queryFn: () => api<{ items: ApiToken[] }>('/me/tokens') })
}

export function useCreateToken() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (body: { name: string; scopes: string[]; expiresAt?: string }) =>
      api<ApiToken & { token: string }>('/me/tokens', { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: tokensKey }),
  })
}

export function useRevokeToken() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (id: string) => api<void>(`/me/tokens/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: tokensKey }),
  })
}
