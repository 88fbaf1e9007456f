import type { ColumnType, Generated } from 'kysely'
import type { NullableTimestamp, Json, IsoDateColumn, NullableIsoDate } from './columns.js'

export type TicketKind = 'consultation' | 'help' | 'complaint' | 'suggestion' | 'report' | 'praise'
export type TicketState = 'submitted' | 'accepted' | 'rejected' | 'routed' | 'signed_for' | 'in_progress' | 'returned'
  | 'reply_review' | 'replied' | 'closed' | 'merged'

export interface CalendarDaysTable {
  day: IsoDateColumn
  is_workday: boolean
  name: string
  updated_at: Generated<Date>
  updated_by: string | null
}

export interface TicketSettingsTable {
  tenant_id: string
  config: Json
  updated_at: Generated<Date>
  updated_by: string | null
}

export interface TicketServicesTable {
  id: Generated<string>
  tenant_id: string
  code: string
  name: string
  description: Generated<string>
  group_name: Generated<string>
  keywords: Generated<string>
  default_kind: Generated<TicketKind>
  notice: Generated<string>
  attributes: ColumnType<unknown[], string | undefined, string>
  open311_type: Generated<'realtime' | 'batch'>
  sort_order: Generated<number>
  is_active: Generated<boolean>
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export interface TicketRoutingRulesTable {
  id: Generated<string>
  tenant_id: string
  service_id: string
  place_keyword: string | null
  department_id: string
  priority: Generated<number>
  is_active: Generated<boolean>
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export interface ReplyTemplatesTable {
  id: Generated<string>
  tenant_id: string
  name: string
  body: string
  is_active: Generated<boolean>
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export interface TicketsTable {
  id: Generated<string>
  number: Generated<string>
  tenant_id: string
  lookup_code: string
  channel: 'web' | 'open311' | 'staff'
  kind: TicketKind
  is_urgent: Generated<boolean>
  is_public: Generated<boolean>
  service_id: string
  title: string
  body: string
  address: Generated<string>
  lat: number | null
  long: number | null
  citizen_name: Generated<string>
  citizen_phone: Generated<string>
  is_name_public: Generated<boolean>
  consent_version: string | null
  consent_at: NullableTimestamp
  citizen_email: string | null
  device_id: string | null
  account_id: string | null
  media_url: string | null
  attributes: Json
  terms: Generated<string[]>
  state: Generated<TicketState>
  state_note: Generated<string>
  suggested_department_id: string | null
  lead_department_id: string | null
  merged_into_id: string | null
  reopen_count: Generated<number>
  clock_anchor: IsoDateColumn
  sign_for_anchor: IsoDateColumn
  sign_for_days: number
  first_response_days: number
  final_days: number
  extension_days: Generated<number>
  sign_for_due_at: Date
  first_response_due_at: Date
  final_due_at: Date
  signed_for_at: NullableTimestamp
  first_response_at: NullableTimestamp
  replied_at: NullableTimestamp
  published_at: NullableTimestamp
  closed_at: NullableTimestamp
  next_check_at: NullableTimestamp
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export interface TicketAssignmentsTable {
  id: Generated<string>
  tenant_id: string
  ticket_id: string
  department_id: string
  role: 'lead' | 'co'
  assigned_at: Generated<Date>
  assigned_by: string | null
  signed_for_at: NullableTimestamp
  signed_for_by: string | null
  ended_at: NullableTimestamp
  end_reason: 'returned' | 'reassigned' | null
  end_note: Generated<string>
}

export interface TicketEventsTable {
  id: Generated<string>
  tenant_id: string
  ticket_id: string
  at: Generated<Date>
  action: string
  from_state: string | null
  to_state: string | null
  actor_id: string | null
  actor_name: Generated<string>
  department_id: string | null
  note: Generated<string>
  is_public: Generated<boolean>
  details: Json
}

export interface TicketRepliesTable {
  id: Generated<string>
  tenant_id: string
  ticket_id: string
  department_id: string
  round: number
  body: string
  public_body: string
  faq_entry_ids: Generated<string[]>
  template_id: string | null
  state: 'pending_review' | 'published' | 'rejected'
  author_id: string
  author_name: string
  created_at: Generated<Date>
  reviewed_by: string | null
  reviewed_at: NullableTimestamp
  review_note: Generated<string>
  published_at: NullableTimestamp
}

export interface TicketExtensionsTable {
  id: Generated<string>
  tenant_id: string
  ticket_id: string
  department_id: string
  days: number
  reason: string
  state: Generated<'pending' | 'approved' | 'denied'>
  requested_by: string
  requested_at: Generated<Date>
  decided_by: string | null
  decided_at: NullableTimestamp
  decision_note: Generated<string>
}

export interface TicketAlertsTable {
  tenant_id: string
  ticket_id: string
  round: number
  clock: 'sign_for' | 'first_response' | 'final' | 'rating'
  stage: 'reminder' | 'overdue' | 'escalated' | 'auto_close'
  at: Generated<Date>
}

export interface TicketRatingsTable {
  id: Generated<string>
  tenant_id: string
  ticket_id: string
  reply_id: string
  rating: 'satisfied' | 'basically' | 'unsatisfied'
  comment: Generated<string>
  created_at: Generated<Date>
}

export interface TicketAttachmentsTable {
  tenant_id: string
  ticket_id: string
  reply_id: string | null
  asset_id: string
  position: Generated<number>
  is_public: Generated<boolean>
}

export interface TicketPhoneCodesTable {
  id: Generated<string>
  tenant_id: string
  phone: string
  code_hash: string
  expires_at: Date
  attempts: Generated<number>
  consumed_at: NullableTimestamp
  created_at: Generated<Date>
}

export interface FaqEntriesTable {
  id: Generated<string>
  tenant_id: string
  question: string
  variants: Generated<string[]>
  answer: string
  owner_department_id: string | null
  valid_from: NullableIsoDate
  valid_to: NullableIsoDate
  is_published: Generated<boolean>
  doc_len: Generated<number>
  created_by: string | null
  updated_by: string | null
  created_at: Generated<Date>
  updated_at: Generated<Date>
  deleted_at: NullableTimestamp
}

export interface FaqTermsTable {
  tenant_id: string
  entry_id: string
  term: string
  tf: number
}

export interface Open311KeysTable {
  id: Generated<string>
  tenant_id: string
  name: string
  key_hash: string
  prefix: string
  created_at: Generated<Date>
  created_by: string | null
  last_used_at: NullableTimestamp
  revoked_at: NullableTimestamp
}

export interface Open311TokensTable {
  token: string
  tenant_id: string
  ticket_id: string
  created_at: Generated<Date>
}

/** Citizens' messages, calendar, FAQ, Open311 (0006_tickets.sql). */
export interface TicketsTables {
  calendar_days: CalendarDaysTable
  ticket_settings: TicketSettingsTable
  ticket_services: TicketServicesTable
  ticket_routing_rules: TicketRoutingRulesTable
  reply_templates: ReplyTemplatesTable
  tickets: TicketsTable
  ticket_assignments: TicketAssignmentsTable
  ticket_events: TicketEventsTable
  ticket_replies: TicketRepliesTable
  ticket_extensions: TicketExtensionsTable
  ticket_alerts: TicketAlertsTable
  ticket_ratings: TicketRatingsTable
  ticket_attachments: TicketAttachmentsTable
  ticket_phone_codes: TicketPhoneCodesTable
  faq_entries: FaqEntriesTable
  faq_terms: FaqTermsTable
  open311_keys: Open311KeysTable
  open311_tokens: Open311TokensTable
}
