import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, rawRequest } from './client'
import { storyPath } from './stories'
import type { Page } from './types'
import type { CheckField, StoredHit } from './checks'

/** Shapes of the review API (server/src/modules/review/*.schema.ts). */

export type StagePermission = 'story.review.first' | 'story.review.second' | 'story.review.final' | 'story.signoff.head'
export const stagePermissions: StagePermission[] = ['story.review.first', 'story.review.second', 'story.review.final', 'story.signoff.head']

export interface StageView {
  index: number
  key: string
  name: string
  permission: string | null
  enteredAt: string
  deadline: string | null
  isOverdue: boolean
}

export interface Anchor {
  start: number
  end: number
  quote: string
  note: string
}

export interface Decision {
  id: string
  cycle: number
  userId: string
  userName: string
  stage: string
  stageIndex: number
  stageName: string
  decision: 'approve' | 'return' | 'reject'
  comment: string
  anchors: Anchor[]
  versionNumber: number
  versionHash: string
  at: string
  isValid: boolean
  invalidatedAt: string | null
}

export interface Mark {
  start: number
  end: number
  original: string
  correction: string
  note?: string
}

export interface Proofread {
  id: string
  cycle: number
  round: number
  userId: string
  userName: string
  marks: Mark[]
  comment: string
  versionNumber: number
  versionHash: string
  at: string
}

export interface Override {
  id: string
  field: CheckField
  ruleId: string
  start: number
  end: number
  quote: string
  reason: string
  userId: string
  userName: string
  versionNumber: number
  versionHash: string
  at: string
}

export type StageStatus = 'approved' | 'pending' | 'waiting' | 'outdated' | 'not_required'

export interface ReviewView {
  storyId: string
  state: string
  versionNumber: number
  versionHash: string
  title: string
  /** The body's plain text: offsets of hits and anchors count in it. */
  bodyText: string
  /** Who sent the story into review last (the name as it was then). */
  submitter: { id: string; name: string; at: string } | null
  cycle: number | null
  stage: StageView | null
  stages: { index: number; key: string; name: string; permission: string | null; status: StageStatus }[]
  proofreadRounds: { done: number; required: number }
  isHeadSignoffRequired: boolean
  decisions: Decision[]
  proofreads: Proofread[]
  checks: { ruleSetVersion: string; hits: StoredHit[] } | null
  overrides: Override[]
  diffSinceMyLastApproval: { fromVersion: number; toVersion: number; approvedAt: string; stage: string } | null
  canDecide: boolean
  decideRefusal: { code: string; detail: string } | null
  canProofread: boolean
  proofreadRefusal: { code: string; detail: string } | null
}

export interface QueueItem {
  storyId: string
  title: string
  authorId: string
  authorName: string
  cycle: number
  versionNumber: number
  submittedAt: string
  task: 'review' | 'head_signoff' | 'proofread'
  stage: StageView
  deadline: string | null
  isOverdue: boolean
  proofreadRounds: { done: number; required: number }
}

export interface WorkflowStage {
  key: string
  name: string
  permission: StagePermission
  timeLimitHours?: number
  requiresHeadSignoff?: boolean
}

export interface Workflow {
  stages: WorkflowStage[]
  restartPolicy: 'from_start' | 'from_changed_stage'
  proofreadRoundsRequired: number
  isDefault?: boolean
  updatedAt?: string | null
  updatedBy?: string | null
}

export interface ErrorReport {
  from: string
  to: string
  groupBy: 'author' | 'reviewer'
  totals: { errors: number; severe: number }
  items: { userId: string; name: string; total: number; severe: number; byCategory: Record<string, number>; byMonth: { month: string; count: number }[] }[]
}

export function useReview(storyId: string | undefined) {
  return useQuery({
    queryKey: ['story', storyId, 'review'],
    queryFn: ({ signal }) => api<ReviewView>(`${storyPath(storyId as string)}/review`, { signal }),
    enabled: !!storyId,
  })
}

/** Every review act changes the story and its review; both are read again. */
function useReviewMutation<TVars, TResult>(storyId: string, fn: (vars: TVars) => Promise<TResult>) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: fn,
    onSuccess: () =>
      Promise.all([
        qc.invalidateQueries({ queryKey: ['story', storyId] }),
        qc.invalidateQueries({ queryKey: ['stories'] }),
        qc.invalidateQueries({ queryKey: ['review-queue'] }),
      ]),
  })
}

export const useSubmit = (storyId: string) =>
  useReviewMutation(storyId, () => api<{ state: string; stage: StageView }>(`${storyPath(storyId)}/submit`, { method: 'POST' }))

export const useDecide = (storyId: string) =>
  useReviewMutation(storyId, (body: { decision: Decision['decision']; comment?: string; anchors?: Anchor[] }) =>
    api<{ state: string }>(`${storyPath(storyId)}/decisions`, { method: 'POST', body }),
  )

export const useProofread = (storyId: string) =>
  useReviewMutation(storyId, (body: { marks: Mark[]; comment?: string }) =>
    api<{ state: string }>(`${storyPath(storyId)}/proofreads`, { method: 'POST', body }),
  )

export const useOverride = (storyId: string) =>
  useReviewMutation(storyId, (body: { ruleId: string; start: number; end: number; reason: string; field: CheckField }) =>
    api<Override>(`${storyPath(storyId)}/check-overrides`, { method: 'POST', body }),
  )

export function useQueue(filters: { overdue?: boolean }) {
  return useInfiniteQuery({
    queryKey: ['review-queue', filters],
    queryFn: ({ pageParam, signal }) =>
      api<Page<QueueItem>>('/review/queue', { query: { ...filters, limit: 50, cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  })
}

export function useWorkflow() {
  return useQuery({ queryKey: ['review-workflow'], queryFn: ({ signal }) => api<Workflow>('/review/workflow', { signal }), staleTime: 60_000 })
}

export function useSaveWorkflow() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (body: Omit<Workflow, 'isDefault' | 'updatedAt' | 'updatedBy'>) => api<Workflow>('/review/workflow', { method: 'PUT', body }),
    onSuccess: (saved) => qc.setQueryData(['review-workflow'], saved),
  })
}

export function useErrorReport(query: { from?: string; to?: string; groupBy: 'author' | 'reviewer' }) {
  return useQuery({
    queryKey: ['error-report', query],
    queryFn: ({ signal }) => api<ErrorReport>('/review/error-report', { query, signal }),
  })
}

/** The file name the server suggests (RFC 5987 `filename*` first), else `fallback`. */
function fileNameOf(res: Response, fallback: string): string {
  const header = res.headers.get('Content-Disposition') ?? ''
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header)
  if (star) {
    try {
      return decodeURIComponent(star[1])
    } catch {
      // a malformed escape: fall through to the plain name
    }
  }
  return /filename="([^"]+)"/i.exec(header)?.[1] ?? fallback
}

/** 审核登记表 as .docx or .pdf, fetched with the tenant header a plain link could not send. */
export function useRecordDownload(storyId: string) {
  return useMutation({
    mutationFn: async (format: 'docx' | 'pdf') => {
      const res = await rawRequest(`${storyPath(storyId)}/record.${format}`)
      return { blob: await res.blob(), name: fileNameOf(res, `review-record-${storyId}.${format}`) }
    },
  })
}

export interface ErrorInput {
  foundStage: 'review' | 'post_publication'
  category: string
  severity: 'severe' | 'ordinary'
  description: string
}

/** 登记差错 on one story; the report counts it for the author (and reviewers named). */
export function useRecordError(storyId: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (body: ErrorInput) => api<unknown>(`${storyPath(storyId)}/errors`, { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['error-report'] }),
  })
}
