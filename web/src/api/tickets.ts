import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, rawRequest } from './client'
import type { Page } from './types'

/**
 * Shapes of the citizens' messages API (server/src/modules/tickets/*.schema.ts, calendar/, faq/,
 * open311/ keys, tickets/kpis.routes.ts) and the hooks the console pages use.
 */

export type TicketKind = 'consultation' | 'help' | 'complaint' | 'suggestion' | 'report' | 'praise'
export const ticketKinds: TicketKind[] = ['consultation', 'help', 'complaint', 'suggestion', 'report', 'praise']
export type TicketState = 'submitted' | 'accepted' | 'rejected' | 'routed' | 'signed_for' | 'in_progress' | 'returned' | 'reply_review' | 'replied' | 'closed' | 'merged'
export const ticketStates: TicketState[] = ['submitted', 'accepted', 'rejected', 'routed', 'signed_for', 'in_progress', 'returned', 'reply_review', 'replied', 'closed', 'merged']

export interface Ref { id: string; name: string }
export interface Deadlines { signFor: string; firstResponse: string; final: string }
export interface Overdue { signFor: boolean; firstResponse: boolean; final: boolean }

export interface TicketListItem {
  id: string
  number: string
  kind: TicketKind
  kindName: string
  isUrgent: boolean
  service: { code: string; name: string }
  title: string
  citizenName: string
  state: TicketState
  stateName: string
  leadDepartment: Ref | null
  deadlines: Deadlines
  overdue: Overdue
  createdAt: string
}

export interface ReplyView {
  id: string
  department: Ref
  round: number
  body: string
  publicBody: string
  state: 'pending_review' | 'published' | 'rejected'
  authorName: string
  createdAt: string
  reviewedAt: string | null
  reviewNote: string
  publishedAt: string | null
  faqEntries: { id: string; question: string }[]
  templateId: string | null
}

export interface TimelineEntry {
  id: string
  at: string
  action: string
  fromState: string | null
  toState: string | null
  actorName: string
  department: Ref | null
  note: string
  isPublic: boolean
  details: Record<string, unknown>
}

export interface TicketDetail {
  id: string
  number: string
  lookupCode: string
  channel: string
  kind: TicketKind
  kindName: string
  isUrgent: boolean
  isPublic: boolean
  service: { id: string; code: string; name: string }
  title: string
  body: string
  address: string
  lat: number | null
  long: number | null
  citizen: { name: string; phone: string; isNamePublic: boolean; email: string | null }
  state: TicketState
  stateName: string
  stateNote: string
  leadDepartment: Ref | null
  suggestedDepartment: Ref | null
  assignments: {
    id: string; department: Ref; role: 'lead' | 'co'; assignedAt: string; signedForAt: string | null; endedAt: string | null
    endReason: string | null; endNote: string
  }[]
  deadlines: Deadlines
  met: { signedForAt: string | null; firstResponseAt: string | null; repliedAt: string | null; publishedAt: string | null; closedAt: string | null }
  overdue: Overdue
  extensionDays: number
  reopenCount: number
  mergedInto: { id: string; number: string } | null
  replies: ReplyView[]
  extensions: { id: string; department: Ref; days: number; reason: string; state: string; requestedAt: string; decidedAt: string | null; decisionNote: string }[]
  ratings: { replyId: string; rating: string; comment: string; createdAt: string }[]
  attachments: { assetId: string; replyId: string | null; isPublic: boolean }[]
  timeline: TimelineEntry[]
  createdAt: string
  updatedAt: string
}

export interface TicketFilters {
  state?: TicketState[]
  kind?: TicketKind
  departmentId?: string
  overdue?: boolean
  q?: string
  sort?: 'newest' | 'due'
}

/** `state` repeats (state=a&state=b), which the shared query builder does not do. */
function listPath(f: TicketFilters, cursor: string | null): string {
  const params = new URLSearchParams()
  for (const s of f.state ?? []) params.append('state', s)
  if (f.kind) params.set('kind', f.kind)
  if (f.departmentId) params.set('departmentId', f.departmentId)
  if (f.overdue) params.set('overdue', 'true')
  if (f.q?.trim()) params.set('q', f.q.trim())
  if (f.sort) params.set('sort', f.sort)
  if (cursor) params.set('cursor', cursor)
  const qs = params.toString()
  return `/tickets${qs ? `?${qs}` : ''}`
}

const ticketsKey = ['tickets'] as const

export function useTicketList(filters: TicketFilters) {
  return useInfiniteQuery({
    queryKey: [...ticketsKey, 'list', filters],
    queryFn: ({ pageParam }) => api<Page<TicketListItem>>(listPath(filters, pageParam)),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  })
}

export function useTicket(id: string | undefined) {
  return useQuery({ queryKey: [...ticketsKey, 'detail', id], queryFn: () => api<TicketDetail>(`/tickets/${id}`), enabled: Boolean(id) })
}

export interface DuplicateItem { id: string; number: string; title: string; kind: TicketKind; state: TicketState; createdAt: string; isSamePhone: boolean; similarity: number }

export function useDuplicates(id: string | undefined, enabled: boolean) {
  return useQuery({
    queryKey: [...ticketsKey, 'duplicates', id],
    queryFn: () => api<{ items: DuplicateItem[] }>(`/tickets/${id}/duplicates`),
    enabled: Boolean(id) && enabled,
    select: (d) => d.items,
  })
}

export type TicketAction =
  | { kind: 'accept'; body: { note?: string; isUrgent?: boolean; isPublic?: boolean } }
  | { kind: 'reject'; body: { reason: string } }
  | { kind: 'route'; body: { leadDepartmentId: string; coDepartmentIds?: string[]; note?: string; isUrgent?: boolean } }
  | { kind: 'merge'; body: { intoId: string; note?: string } }
  | { kind: 'urge'; body: { note: string } }
  | { kind: 'close'; body: { note?: string } }
  | { kind: 'reopen'; body: { note: string } }
  | { kind: 'sign-for'; body?: undefined }
  | { kind: 'progress'; body: { note: string; isPublic?: boolean } }
  | { kind: 'return'; body: { reason: string } }
  | { kind: 'replies'; body: { body: string; faqEntryIds?: string[]; templateId?: string | null } }
  | { kind: 'extensions'; body: { days: number; reason: string } }
  | { kind: 'flags'; body: { isUrgent?: boolean; isPublic?: boolean } }
  | { kind: 'review'; replyId: string; body: { decision: 'approve' | 'reject'; note?: string; publicBody?: string } }
  | { kind: 'decide-extension'; extensionId: string; body: { decision: 'approve' | 'deny'; note?: string } }

function actionRequest(id: string, a: TicketAction): Promise<unknown> {
  switch (a.kind) {
    case 'flags': return api(`/tickets/${id}`, { method: 'PATCH', body: a.body })
    case 'review': return api(`/tickets/${id}/replies/${a.replyId}/review`, { method: 'POST', body: a.body })
    case 'decide-extension': return api(`/tickets/${id}/extensions/${a.extensionId}/decision`, { method: 'POST', body: a.body })
    default: return api(`/tickets/${id}/${a.kind}`, { method: 'POST', body: a.body })
  }
}

/** Any transition on a ticket; refreshes lists, the detail and the KPIs afterwards. */
export function useTicketAction(id: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (a: TicketAction) => actionRequest(id, a),
    onSuccess: () => qc.invalidateQueries({ queryKey: ticketsKey }),
  })
}

// ---- catalogue -----------------------------------------------------------------------------------

export interface ServiceView {
  id: string; code: string; name: string; description: string; group: string; keywords: string; defaultKind: TicketKind
  notice: string; attributes: unknown[]; open311Type: string; sortOrder: number; isActive: boolean; updatedAt: string
}
export interface ServiceInput {
  code: string; name: string; description?: string; group?: string; keywords?: string; defaultKind?: TicketKind; notice?: string
  sortOrder?: number; isActive?: boolean
}
export interface RuleView { id: string; service: { id: string; code: string; name: string }; placeKeyword: string | null; department: Ref; priority: number; isActive: boolean; updatedAt: string }
export interface RuleInput { serviceId: string; placeKeyword?: string | null; departmentId: string; priority?: number; isActive?: boolean }
export interface TemplateView { id: string; name: string; body: string; isActive: boolean; updatedAt: string }
export interface TemplateInput { name: string; body: string; isActive?: boolean }

/** A list resource with create, update and (where the API has it) delete. */
function resource<View, Input>(path: string, key: string) {
  const queryKey = [...ticketsKey, key]
  return {
    useList: (enabled = true) => useQuery({ queryKey, queryFn: () => api<{ items: View[] }>(path), select: (d) => d.items, enabled }),
    useSave: () => {
      const qc = useQueryClient()
      return useMutation({
        mutationFn: ({ id, input }: { id: string | null; input: Input }) => api<View>(id ? `${path}/${id}` : path, { method: id ? 'PUT' : 'POST', body: input }),
        onSuccess: () => qc.invalidateQueries({ queryKey }),
      })
    },
    useRemove: () => {
      const qc = useQueryClient()
      return useMutation({ mutationFn: (id: string) => api(`${path}/${id}`, { method: 'DELETE' }), onSuccess: () => qc.invalidateQueries({ queryKey }) })
    },
  }
}

export const services = resource<ServiceView, ServiceInput>('/tickets/services', 'services')
export const routingRules = resource<RuleView, RuleInput>('/tickets/routing-rules', 'rules')
export const replyTemplates = resource<TemplateView, TemplateInput>('/tickets/reply-templates', 'templates')

// ---- handling settings ------------------------------------------------------------------------------

/** The clocks exist per kind plus `urgent`, which replaces the kind's clock on messages marked urgent. */
export type ClockKind = TicketKind | 'urgent'
export const clockKinds: ClockKind[] = ['urgent', ...ticketKinds]
export interface ClockDays { signFor: number; firstResponse: number; final: number }

/** GET/PUT /tickets/settings (server/src/modules/tickets/catalogue.schema.ts SettingsView). */
export interface TicketSettings {
  isReplyReviewRequired: boolean
  reopenLimit: number
  clocks: Record<ClockKind, ClockDays>
  reminderLeadHours: number
  escalationDelayWorkingDays: number
  autoCloseWorkingDays: number
  duplicateWindowMinutes: number
  similarWindowDays: number
  phoneDailyLimit: number
  isPhoneVerificationRequired: boolean
  consentText: string
  consentVersion: string
}
/** What GET and PUT answer: the center's effective settings and the platform defaults they fall back to. */
export type TicketSettingsView = TicketSettings & { defaults: TicketSettings }
/** PUT sends only what changed (the server merges key by key, clocks kind by kind). */
export type TicketSettingsInput = Partial<Omit<TicketSettings, 'clocks'>> & { clocks?: Partial<Record<ClockKind, Partial<ClockDays>>> }

/** The API's limits (catalogue.schema.ts SettingsInput), for the form's own checks. */
export const ticketSettingsLimits = {
  clockDays: { min: 0, max: 60 },
  reopenLimit: { min: 0, max: 5 },
  reminderLeadHours: { min: 0, max: 240 },
  escalationDelayWorkingDays: { min: 0, max: 20 },
  autoCloseWorkingDays: { min: 1, max: 30 },
  duplicateWindowMinutes: { min: 0, max: 1440 },
  similarWindowDays: { min: 1, max: 365 },
  phoneDailyLimit: { min: 1, max: 1000 },
  consentText: { min: 10, max: 2000 },
  consentVersion: { min: 1, max: 40 },
} as const

const settingsKey = [...ticketsKey, 'settings']

export function useTicketSettings() {
  return useQuery({ queryKey: settingsKey, queryFn: () => api<TicketSettingsView>('/tickets/settings') })
}

export function useSaveTicketSettings() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (input: TicketSettingsInput) => api<TicketSettingsView>('/tickets/settings', { method: 'PUT', body: input }),
    onSuccess: (saved) => qc.setQueryData(settingsKey, saved),
  })
}

// ---- knowledge base --------------------------------------------------------------------------------

export interface FaqView {
  id: string; question: string; variants: string[]; answer: string; ownerDepartment: Ref | null; validFrom: string | null; validTo: string | null
  isPublished: boolean; isValidNow: boolean; score: number | null; createdAt: string; updatedAt: string
}
export interface FaqInput {
  question: string; variants?: string[]; answer: string; ownerDepartmentId?: string | null; validFrom?: string | null; validTo?: string | null; isPublished?: boolean
}

export function useFaqList(q: string, limit = 50) {
  return useInfiniteQuery({
    queryKey: [...ticketsKey, 'faq', q, limit],
    queryFn: ({ pageParam }) => api<Page<FaqView>>('/faq', { query: { q: q.trim() || undefined, limit, cursor: pageParam ?? undefined } }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  })
}

export const faq = resource<FaqView, FaqInput>('/faq', 'faq')

// ---- calendar -------------------------------------------------------------------------------------

export interface CalendarDay { day: string; isWorkday: boolean; name: string; updatedAt: string }

export function useCalendarYear(year: number) {
  return useQuery({ queryKey: ['calendar', year], queryFn: () => api<{ year: number; items: CalendarDay[] }>('/calendar/days', { query: { year } }), select: (d) => d.items })
}

export function useCalendarEdit() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (a: { day: string; remove: true } | { day: string; isWorkday: boolean; name: string }) =>
      'remove' in a ? api(`/calendar/days/${a.day}`, { method: 'DELETE' }) : api<CalendarDay>(`/calendar/days/${a.day}`, { method: 'PUT', body: { isWorkday: a.isWorkday, name: a.name } }),
    // Open tickets' deadlines move with the calendar: refresh them too.
    onSuccess: () => Promise.all([qc.invalidateQueries({ queryKey: ['calendar'] }), qc.invalidateQueries({ queryKey: ticketsKey })]),
  })
}

// ---- Open311 keys ---------------------------------------------------------------------------------

export interface Open311Key { id: string; name: string; prefix: string; createdAt: string; lastUsedAt: string | null; revokedAt: string | null }

export function useOpen311Keys() {
  return useQuery({ queryKey: ['open311-keys'], queryFn: () => api<{ items: Open311Key[] }>('/open311/keys'), select: (d) => d.items })
}

export function useCreateOpen311Key() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (name: string) => api<Open311Key & { key: string }>('/open311/keys', { method: 'POST', body: { name } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['open311-keys'] }),
  })
}

export function useRevokeOpen311Key() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (id: string) => api(`/open311/keys/${id}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['open311-keys'] }),
  })
}

// ---- KPIs -----------------------------------------------------------------------------------------

export interface KpiFigures {
  total: number; responded: number; due: number; onTime: number; resolved: number; rated: number; satisfied: number; replied: number; overdue: number
  responseRate: number | null; onTimeRate: number | null; resolutionRate: number | null; satisfactionRate: number | null; averageHandlingDays: number | null
}
export interface KpiReport {
  from: string; to: string; generatedAt: string; bucket: 'day' | 'month'
  total: KpiFigures
  departments: Array<KpiFigures & { department: Ref }>
  trend: { period: string; received: number; replied: number }[]
  overdue: {
    id: string; number: string; title: string; kindName: string; state: TicketState; stateName: string; department: Ref | null
    createdAt: string; finalDueAt: string; repliedAt: string | null; overdueWorkingDays: number
  }[]
  isOverdueTruncated: boolean
}
export interface KpiQuery { from: string; to: string; departmentId?: string }

export function useKpis(q: KpiQuery) {
  return useQuery({ queryKey: [...ticketsKey, 'kpis', q], queryFn: () => api<KpiReport>('/tickets/kpis', { query: { ...q } }) })
}

/** The .xlsx as a blob, for saving under its Chinese name. */
export async function downloadKpis(q: KpiQuery): Promise<Blob> {
  const res = await rawRequest('/tickets/kpis.xlsx', { query: { ...q } })
  return res.blob()
}
