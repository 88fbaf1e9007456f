import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from './client'
import type { Page } from './types'

/** Shapes of the stories API (server/src/modules/stories/stories.schema.ts). */

export type StoryKind = 'article' | 'gallery' | 'video' | 'audio' | 'live'
export type StoryState = 'draft' | 'in_review' | 'returned' | 'rejected' | 'signed_off'

export const storyKinds: StoryKind[] = ['article', 'gallery', 'video', 'audio']
export const storyStates: StoryState[] = ['draft', 'in_review', 'returned', 'rejected', 'signed_off']

export interface StoryLock {
  holderId: string
  holderName: string
  expiresAt: string
}

export interface Attachment {
  name: string
  url: string
}

/** The fields a writer edits; `body` is HTML. */
export interface StoryContent {
  kind: StoryKind
  title: string
  subtitle: string
  summary: string
  body: string
  byline: string
  source: string
  section: string
  tags: string[]
  coverAssetId: string | null
  attachments: Attachment[]
  isImportant: boolean
}

export interface Counts {
  wordCount: number
  charCount: number
}

export interface VersionMeta {
  number: number
  hash: string
  reason: string
  createdBy: string
  createdByName: string
  createdAt: string
}

export interface Removal {
  tag?: string
  attribute?: string
  reason: string
}

export interface StoryDecision {
  userId: string
  userName?: string
  stage: string
  stageName?: string
  decision: 'approve' | 'return' | 'reject'
  comment?: string
  versionHash: string
  versionNumber?: number
  at: string
}

export interface Story extends StoryContent, Counts {
  id: string
  tenantId: string
  authorId: string
  authorName: string
  state: StoryState
  stageIndex: number | null
  stage: { index?: number; key?: string; name?: string; deadline?: string | null; isOverdue?: boolean } | null
  decisions: StoryDecision[]
  review: Record<string, unknown> | null
  versionNumber: number
  versionHash: string
  versions: VersionMeta[]
  lock: StoryLock | null
  canEdit: boolean
  canDelete: boolean
  createdAt: string
  updatedAt: string
  submittedAt: string | null
  signedOffAt: string | null
  sanitizerRemoved: Removal[]
  warnings?: string[]
}

export interface StoryListItem extends Counts {
  id: string
  kind: StoryKind
  title: string
  section: string
  tags: string[]
  isImportant: boolean
  authorId: string
  authorName: string
  state: StoryState
  stageIndex: number | null
  /** The current review stage with its deadline (null unless in review). */
  stage: { key: string; name: string; deadline: string | null; isOverdue: boolean } | null
  versionNumber: number
  lock: StoryLock | null
  createdAt: string
  updatedAt: string
  submittedAt: string | null
}

export interface StoryFilters {
  state?: StoryState
  mine?: boolean
  stage?: number
  authorId?: string
  /** Only stories whose review stage is past its deadline. */
  overdue?: boolean
  q?: string
}

export type StorySaveInput = Partial<StoryContent> & { baseVersion: number }

export interface AutosaveReply extends Counts {
  baseVersion: number
  savedAt: string
  lock: StoryLock
  sanitizerRemoved: Removal[]
}

export interface Draft extends StoryContent, Counts {
  baseVersion: number
  savedAt: string
}

export interface LockReply extends StoryLock {
  versionNumber: number
}

export interface TakeoverReply extends LockReply {
  previousHolder: { id: string; name: string } | null
  savedVersion: number | null
}

export type Version = VersionMeta & StoryContent & Counts

export type ChangeType = 'equal' | 'added' | 'removed'

export interface StoryDiff {
  from: Version
  to: Version
  title: { changes: { type: ChangeType; value: string }[]; isApproximate: boolean }
  body: { changes: { type: ChangeType; value: string }[]; isApproximate: boolean }
  blocks: { type: ChangeType; html: string }[]
  fields: { field: string; from: unknown; to: unknown }[]
}

export const storyPath = (id: string) => `/stories/${encodeURIComponent(id)}`

export function useStories(filters: StoryFilters) {
  return useInfiniteQuery({
    queryKey: ['stories', filters],
    queryFn: ({ pageParam, signal }) =>
      api<Page<StoryListItem>>('/stories', { query: { ...filters, limit: 50, cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  })
}

export function useStory(id: string | undefined) {
  return useQuery({
    queryKey: ['story', id],
    queryFn: ({ signal }) => api<Story>(storyPath(id as string), { signal }),
    enabled: !!id,
  })
}

export function useCreateStory() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (body: { title: string; kind: StoryKind; section?: string }) => api<Story>('/stories', { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['stories'] }),
  })
}

/** Uploads a .docx; the server answers 422 DOCX_INVALID with a readable reason when it cannot. */
export function useImportDocx() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (file: File) => {
      const form = new FormData()
      form.append('file', file, file.name)
      return api<Story>('/stories/import', { method: 'POST', body: form })
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: ['stories'] }),
  })
}

/** The calls the editor makes; plain functions because their timing is the editor's business. */
export const storiesApi = {
  save: (id: string, body: StorySaveInput) => api<Story>(storyPath(id), { method: 'PUT', body }),
  autosave: (id: string, body: StorySaveInput) => api<AutosaveReply>(`${storyPath(id)}/draft`, { method: 'PUT', body }),
  draft: (id: string) => api<{ draft: Draft | null }>(`${storyPath(id)}/draft`),
  lock: (id: string) => api<LockReply>(`${storyPath(id)}/lock`, { method: 'POST' }),
  unlock: (id: string) => api<void>(`${storyPath(id)}/lock`, { method: 'DELETE' }),
  takeOver: (id: string) => api<TakeoverReply>(`${storyPath(id)}/lock/takeover`, { method: 'POST' }),
  recall: (id: string) => api<Story>(`${storyPath(id)}/recall`, { method: 'POST' }),
  remove: (id: string) => api<void>(storyPath(id), { method: 'DELETE' }),
  restore: (id: string, number: number, baseVersion: number) =>
    api<Story>(`${storyPath(id)}/versions/${number}/restore`, { method: 'POST', body: { baseVersion } }),
}

export function useVersion(id: string, number: number | null) {
  return useQuery({
    queryKey: ['story', id, 'version', number],
    queryFn: ({ signal }) => api<Version>(`${storyPath(id)}/versions/${number}`, { signal }),
    enabled: number !== null,
    staleTime: Infinity, // a version never changes
  })
}

export function useStoryDiff(id: string, from: number | null, to: number | null) {
  return useQuery({
    queryKey: ['story', id, 'diff', from, to],
    queryFn: ({ signal }) => api<StoryDiff>(`${storyPath(id)}/diff`, { query: { from, to }, signal }),
    enabled: from !== null && to !== null && from !== to,
    staleTime: Infinity,
  })
}
