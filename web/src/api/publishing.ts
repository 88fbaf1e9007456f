import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from './client'
import type { Page } from './types'

/**
 * Shapes of the publishing center's API (server/src/modules/publishing/publishing.schema.ts) and
 * the hooks the console pages use: channel accounts, channel sets, publications per story, the
 * tenant-wide board and the schedule.
 */

export type ChannelKind = 'website' | 'rss' | 'webhook' | 'wechat_oa' | 'weibo' | 'douyin' | 'kuaishou' | 'bilibili' | 'toutiao' | 'app'
/** Channels the server has adapters for; the others stay out of every picker. */
export const builtChannels = ['website', 'rss', 'webhook', 'wechat_oa', 'weibo'] as const
export type BuiltChannel = typeof builtChannels[number]
export type AccountStatus = 'active' | 'needs_reauth' | 'disabled'
export type PublicationStatus = 'queued' | 'sending' | 'awaiting_platform' | 'live' | 'failed' | 'withdrawn'
export const publicationStatuses: PublicationStatus[] = ['queued', 'sending', 'awaiting_platform', 'live', 'failed', 'withdrawn']
export type CoverCrop = 'wechat-cover' | 'square' | 'wide' | 'standard' | 'web'
export const coverCrops: CoverCrop[] = ['web', 'wechat-cover', 'square', 'wide', 'standard']

export interface Capabilities {
  maxTitleLength: number
  maxTextLength: number | null
  media: string
  isAsync: boolean
  canUpdate: boolean
  canWithdraw: boolean
  isLocal: boolean
}

export interface Account {
  id: string
  channel: ChannelKind
  channelName: string
  name: string
  status: AccountStatus
  ownerUnitId: string | null
  settings: Record<string, unknown>
  /** Names of the credentials that are set; the values never come back. */
  credentialFields: string[]
  credentialFieldsAvailable: string[]
  settingFieldsAvailable: string[]
  rateLimitPerMinute: number
  capabilities: Capabilities | null
  lastTest: { at: string; isOk: boolean; message: string } | null
  createdAt: string
  updatedAt: string
}

export interface AccountInput {
  channel?: BuiltChannel
  name?: string
  ownerUnitId?: string | null
  status?: 'active' | 'disabled'
  settings?: Record<string, string>
  /** Only the fields given change; an empty string clears one. */
  credentials?: Record<string, string>
  rateLimitPerMinute?: number
}

export interface TestResult {
  isOk: boolean
  message: string
  hint: string | null
  account: Account
}

export interface ChannelSet {
  id: string
  name: string
  accountIds: string[]
  createdAt: string
}

export interface Overrides {
  title?: string
  summary?: string
  coverCrop?: CoverCrop
}

export interface PublishInput {
  accounts?: string[]
  channelSetId?: string
  overrides?: Record<string, Overrides>
  scheduleAt?: string
  correctionNote?: string
}

export type ProblemSeverity = 'error' | 'warning'

/** One thing a channel would refuse (`error`) or send differently (`warning`), in words saying what to do. */
export interface CheckProblem {
  severity: ProblemSeverity
  code: string
  field: string
  message: string
}

/** What the channel will receive, cut as the adapter cuts it, with lengths in the channel's own counting. */
export interface ChannelPreview {
  title: string
  titleLength: number
  titleLimit: number
  summary: string
  /** The exact post of a text channel (Weibo); null for article channels. */
  text: string | null
  textLength: number
  textLimit: number | null
  coverUrl: string | null
  link: string
}

export interface AccountCheck {
  accountId: string
  accountName: string
  channel: ChannelKind
  problems: CheckProblem[]
  preview: ChannelPreview
}

export interface PublishPreview {
  items: AccountCheck[]
  canPublish: boolean
}

export interface Publication {
  id: string
  storyId: string
  storyTitle?: string
  accountId: string
  accountName: string
  channel: ChannelKind
  status: PublicationStatus
  versionNumber: number
  liveVersionNumber: number | null
  url: string | null
  error: { code: string; message: string; hint: string } | null
  scheduledAt: string | null
  liveAt: string | null
  withdrawal: { reason: string | null; at: string | null; outcome: string | null } | null
  corrections: { versionNumber: number; mode: string; at: string; url: string | null }[]
  createdAt: string
  updatedAt: string
}

/** Statuses that will change on their own: the status views poll while any publication holds one. */
export function isInFlight(p: Publication): boolean {
  const isWithdrawing = p.withdrawal !== null && p.withdrawal.outcome === null
  const isScheduledLater = p.status === 'queued' && p.scheduledAt !== null && new Date(p.scheduledAt).getTime() > Date.now() + 60_000
  return isWithdrawing || (!isScheduledLater && (p.status === 'queued' || p.status === 'sending' || p.status === 'awaiting_platform'))
}

const accountsKey = ['publishing', 'accounts'] as const
const setsKey = ['publishing', 'channel-sets'] as const
const publicationsKey = ['publishing', 'publications'] as const
const POLL_MS = 2000

export function useAccounts() {
  return useQuery({ queryKey: accountsKey, queryFn: () => api<{ items: Account[] }>('/accounts'), select: (d) => d.items })
}

export function useSaveAccount() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: ({ id, input }: { id?: string; input: AccountInput }) =>
      id ? api<Account>(`/accounts/${id}`, { method: 'PATCH', body: input }) : api<Account>('/accounts', { method: 'POST', body: input }),
    onSuccess: () => qc.invalidateQueries({ queryKey: accountsKey }),
  })
}

export function useRemoveAccount() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (id: string) => api<void>(`/accounts/${id}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['publishing'] }),
  })
}

export function useTestAccount() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (id: string) => api<TestResult>(`/accounts/${id}/test`, { method: 'POST' }),
    onSettled: () => qc.invalidateQueries({ queryKey: accountsKey }),
  })
}

export function useChannelSets() {
  return useQuery({ queryKey: setsKey, queryFn: () => api<{ items: ChannelSet[] }>('/channel-sets'), select: (d) => d.items })
}

export function useCreateChannelSet() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (input: { name: string; accountIds: string[] }) => api<ChannelSet>('/channel-sets', { method: 'POST', body: input }),
    onSuccess: () => qc.invalidateQueries({ queryKey: setsKey }),
  })
}

export function useRemoveChannelSet() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (id: string) => api<void>(`/channel-sets/${id}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: setsKey }),
  })
}

/** A story's publications; polls while any of them is still on its way (or being withdrawn). */
export function useStoryPublications(storyId: string | undefined) {
  return useQuery({
    queryKey: [...publicationsKey, 'story', storyId],
    queryFn: () => api<{ items: Publication[] }>(`/stories/${storyId}/publications`),
    select: (d) => d.items,
    enabled: Boolean(storyId),
    refetchInterval: (query) => (query.state.data?.items.some(isInFlight) ? POLL_MS : false),
  })
}

function useStoryAction<I>(storyId: string, path: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (input: I) => api<{ items: Publication[] }>(`/stories/${storyId}/${path}`, { method: 'POST', body: input }).then((d) => d.items),
    onSuccess: () => qc.invalidateQueries({ queryKey: publicationsKey }),
  })
}

export const usePublish = (storyId: string) => useStoryAction<PublishInput>(storyId, 'publications')
export const useCorrect = (storyId: string) => useStoryAction<{ note?: string }>(storyId, 'corrections')
export const useWithdraw = (storyId: string) => useStoryAction<{ reason: string }>(storyId, 'withdraw')

/**
 * The check before sending (发布前检查) of one publish request: each account's problems and a
 * preview. Read-only on the server, so it is a query keyed by the request and re-asked as the
 * editor changes accounts or overrides.
 */
export function usePublishPreview(storyId: string, input: PublishInput | null) {
  return useQuery({
    queryKey: [...publicationsKey, 'preview', storyId, input],
    queryFn: () => api<PublishPreview>(`/stories/${storyId}/publications/preview`, { method: 'POST', body: input }),
    enabled: input !== null,
    placeholderData: (previous) => previous,
    retry: false,
    staleTime: 10_000,
  })
}

/** Filters of the tenant board; `from`/`to` are dates (YYYY-MM-DD) of creation, whole Asia/Shanghai days. */
export interface BoardFilters {
  status?: PublicationStatus
  channel?: ChannelKind
  accountId?: string
  from?: string
  to?: string
}

/** The tenant-wide board, newest change first; polls while the first page has anything in flight. */
export function usePublicationBoard(filters: BoardFilters) {
  return useInfiniteQuery({
    queryKey: [...publicationsKey, 'board', filters],
    queryFn: ({ pageParam }) => api<Page<Publication>>('/publications', { query: { ...filters, cursor: pageParam, limit: 50 } }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: (query) => (query.state.data?.pages[0]?.items.some(isInFlight) ? POLL_MS * 2 : false),
  })
}

/** Publications scheduled or sent between `from` and `to` (the server allows at most 92 days). */
export function useSchedule(from: string, to: string) {
  return useQuery({
    queryKey: [...publicationsKey, 'schedule', from, to],
    queryFn: () => api<{ items: Publication[] }>('/publications/schedule', { query: { from, to } }),
    select: (d) => d.items,
  })
}
