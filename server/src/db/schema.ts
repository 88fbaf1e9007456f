import type { ColumnType, Generated } from 'kysely'

/** Kysely table types; keep in step with server/migrations (the schema drift test compares them). */
type NullableTimestamp = Date | null
type Json = ColumnType<Record<string, unknown>, string | Record<string, unknown> | undefined, string | Record<string, unknown>>

export interface TenantsTable {
  id: Generated<string>
  slug: string
  name: string
  kind: 'platform' | 'center' | 'unit'
  parent_id: string | null
  path: string[]
  is_disabled: Generated<boolean>
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export interface UsersTable {
  id: Generated<string>
  username: string
  display_name: string
  email: string | null
  phone: string | null
  home_tenant_id: string
  password_hash: string
  password_changed_at: Generated<Date>
  must_change_password: Generated<boolean>
  totp_secret_enc: string | null
  totp_enabled_at: NullableTimestamp
  totp_last_step: string | null
  failed_attempts: Generated<number>
  locked_until: NullableTimestamp
  is_disabled: Generated<boolean>
  is_demo: Generated<boolean>
  last_login_at: NullableTimestamp
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export interface PasswordHistoryTable {
  id: Generated<string>
  user_id: string
  password_hash: string
  created_at: Generated<Date>
}

export interface RolesTable {
  id: Generated<string>
  tenant_id: string | null
  code: string
  name: string
  description: Generated<string>
  permissions: string[]
  is_builtin: Generated<boolean>
  is_totp_required: Generated<boolean>
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export interface MembershipsTable {
  id: Generated<string>
  tenant_id: string
  user_id: string
  role_id: string
  extends_to_descendants: Generated<boolean>
  is_primary: Generated<boolean>
  created_at: Generated<Date>
  created_by: string | null
}

export interface SessionsTable {
  id: string
  user_id: string
  csrf_token: string
  is_mfa_passed: Generated<boolean>
  ip: string | null
  user_agent: string | null
  created_at: Generated<Date>
  last_seen_at: Generated<Date>
  expires_at: Date
  revoked_at: NullableTimestamp
}

export interface ApiTokensTable {
  id: Generated<string>
  user_id: string
  tenant_id: string
  name: string
  token_hash: string
  prefix: string
  scopes: string[]
  created_at: Generated<Date>
  last_used_at: NullableTimestamp
  expires_at: NullableTimestamp
  revoked_at: NullableTimestamp
}

export interface SettingsTable {
  key: string
  value: Json
  updated_at: Generated<Date>
  updated_by: string | null
}

export interface AuditLogTable {
  seq: string
  at: Date
  tenant_id: string | null
  actor_id: string | null
  actor_name: string | null
  action: string
  target_type: string | null
  target_id: string | null
  outcome: 'success' | 'failure' | 'denied'
  ip: string | null
  request_id: string | null
  details: Json
  prev_hash: string
  hash: string
}

export interface AuditHeadTable {
  id: Generated<boolean>
  seq: string
  hash: string
}

export interface SchemaMigrationsTable {
  version: number
  name: string
  checksum: string
  applied_at: Generated<Date>
}

export interface OutboxEventsTable {
  id: Generated<string>
  tenant_id: string | null
  type: string
  payload: Json
  created_at: Generated<Date>
  delivered_at: NullableTimestamp
  attempts: Generated<number>
  next_attempt_at: Generated<Date>
  last_error: string | null
}

export type StoryState = 'draft' | 'in_review' | 'returned' | 'rejected' | 'signed_off'
export type StoryKind = 'article' | 'gallery' | 'video' | 'audio' | 'live'
export type StoryVersionReason = 'save' | 'autosave' | 'takeover' | 'restore' | 'import' | 'submit'
/** A jsonb array column (written as JSON text, read back parsed). */
type JsonArray = ColumnType<unknown[], string | undefined, string>

export interface StoriesTable {
  id: Generated<string>
  tenant_id: string
  kind: StoryKind
  title: string
  subtitle: Generated<string>
  summary: Generated<string>
  body_html: Generated<string>
  body_text: Generated<string>
  byline: Generated<string>
  source: Generated<string>
  section: Generated<string>
  tags: Generated<string[]>
  cover_asset_id: string | null
  attachments: JsonArray
  is_important: Generated<boolean>
  author_id: string
  state: Generated<StoryState>
  stage_index: number | null
  version_number: number
  version_hash: string
  word_count: Generated<number>
  char_count: Generated<number>
  lock_holder_id: string | null
  lock_expires_at: NullableTimestamp
  created_at: Generated<Date>
  updated_at: Generated<Date>
  submitted_at: NullableTimestamp
  signed_off_at: NullableTimestamp
  deleted_at: NullableTimestamp
}

export interface StoryVersionsTable {
  id: Generated<string>
  tenant_id: string
  story_id: string
  number: number
  kind: StoryKind
  title: string
  subtitle: string
  summary: string
  body_html: string
  byline: string
  source: string
  section: string
  tags: string[]
  cover_asset_id: string | null
  attachments: JsonArray
  is_important: boolean
  hash: string
  reason: StoryVersionReason
  created_by: string
  created_at: Generated<Date>
}

export interface StoryDraftsTable {
  story_id: string
  user_id: string
  tenant_id: string
  base_version: number
  content: Json
  saved_at: Generated<Date>
}

export interface StoryImagesTable {
  id: Generated<string>
  tenant_id: string
  story_id: string
  content_type: string
  data: Uint8Array
  byte_size: number
  sha256: string
  created_by: string
  created_at: Generated<Date>
}

/** Review (三审三校): workflows, cycles, decisions, proofreading, overrides, 差错 (0004_review.sql). */
export type ReviewPhase = 'stages' | 'proofreading' | 'head_signoff' | 'signed_off' | 'returned' | 'rejected' | 'withdrawn'

export interface ReviewWorkflowsTable {
  tenant_id: string
  stages: JsonArray
  restart_policy: 'from_start' | 'from_changed_stage'
  proofread_rounds_required: Generated<number>
  updated_by: string | null
  updated_at: Generated<Date>
}

export interface ReviewCyclesTable {
  id: Generated<string>
  tenant_id: string
  story_id: string
  cycle: number
  author_id: string
  workflow: Json
  is_head_signoff_required: boolean
  phase: ReviewPhase
  stage_index: number
  stage_key: string
  stage_name: string
  stage_permission: string | null
  stage_entered_at: Date
  deadline_at: NullableTimestamp
  proofread_rounds_required: number
  proofread_rounds_done: Generated<number>
  last_proofreader_id: string | null
  submitted_by: string
  submitted_by_name: string
  submitted_at: Generated<Date>
  version_number: number
  version_hash: string
  rule_set_version: string
  check_hits: JsonArray
  closed_at: NullableTimestamp
}

export interface ReviewDecisionsTable {
  id: Generated<string>
  tenant_id: string
  story_id: string
  cycle: number
  stage_index: number
  stage_key: string
  stage_name: string
  decision: 'approve' | 'return' | 'reject'
  comment: Generated<string>
  anchors: JsonArray
  user_id: string
  user_name: string
  version_number: number
  version_hash: string
  at: Generated<Date>
  invalidated_at: NullableTimestamp
  invalidated_by_version: number | null
}

export interface ProofreadRoundsTable {
  id: Generated<string>
  tenant_id: string
  story_id: string
  cycle: number
  round: number
  user_id: string
  user_name: string
  marks: JsonArray
  comment: Generated<string>
  version_number: number
  version_hash: string
  at: Generated<Date>
}

export interface CheckOverridesTable {
  id: Generated<string>
  tenant_id: string
  story_id: string
  version_number: number
  version_hash: string
  field: 'title' | 'body'
  rule_id: string
  start_offset: number
  end_offset: number
  quote: string
  reason: string
  user_id: string
  user_name: string
  at: Generated<Date>
}

export interface EditorialErrorsTable {
  id: Generated<string>
  tenant_id: string
  story_id: string
  found_stage: 'review' | 'post_publication'
  category: string
  severity: 'severe' | 'ordinary'
  description: string
  version_number: number
  found_by: string
  found_by_name: string
  found_at: Generated<Date>
}

export interface EditorialErrorPeopleTable {
  error_id: string
  tenant_id: string
  user_id: string
  user_name: string
  role: 'author' | 'reviewer'
}

export type AssetKind = 'image' | 'audio' | 'video' | 'document'
export type DerivativesStatus = 'pending' | 'ready' | 'failed' | 'unavailable'
/** A jsonb column holding an array of objects (written as JSON text, read back parsed). */
type JsonList = ColumnType<Array<Record<string, unknown>>, string | undefined, string>

export interface AssetBlobsTable {
  sha256: string
  size: ColumnType<string, string | number, string | number>
  mime_type: string
  storage_key: string
  created_at: Generated<Date>
  last_used_at: Generated<Date>
}

export interface AssetsTable {
  id: Generated<string>
  tenant_id: string
  kind: AssetKind
  sha256: string
  mime_type: string
  size: ColumnType<string, string | number, string | number>
  original_name: Generated<string>
  title: Generated<string>
  caption: Generated<string>
  credit: Generated<string>
  source: Generated<string>
  copyright: Generated<string>
  licence: Generated<string>
  licence_expires_at: NullableTimestamp
  tags: Generated<string[]>
  people: Generated<string[]>
  places: Generated<string[]>
  shot_at: NullableTimestamp
  width: number | null
  height: number | null
  duration_ms: number | null
  focal_x: Generated<number>
  focal_y: Generated<number>
  phash: string | null
  metadata: Json
  derivatives_status: Generated<DerivativesStatus>
  derivatives_reason: string | null
  renditions: JsonList
  media: Json
  search: Generated<string>
  uploaded_by: string
  created_at: Generated<Date>
  updated_at: Generated<Date>
  deleted_at: NullableTimestamp
  deleted_by: string | null
}

export interface AssetSharesTable {
  id: Generated<string>
  tenant_id: string
  asset_id: string
  audience: 'parent' | 'children' | 'platform'
  owner_path: string[]
  owner_name: string
  kind: AssetKind
  title: string
  caption: string
  credit: string
  width: number | null
  height: number | null
  renditions: JsonList
  created_by: string
  created_at: Generated<Date>
  withdrawn_at: NullableTimestamp
  withdrawn_by: string | null
}

export interface AssetUsagesTable {
  id: Generated<string>
  tenant_id: string
  asset_id: string
  owner_tenant_id: string
  share_id: string | null
  ref_type: string
  ref_id: string
  credit: Generated<string>
  is_live: Generated<boolean>
  created_by: string | null
  created_at: Generated<Date>
}

export interface AssetLimitsTable {
  tenant_id: string
  kind: AssetKind
  max_bytes: ColumnType<string, string | number, string | number>
  updated_at: Generated<Date>
  updated_by: string | null
}

export interface AssetUploadsTable {
  id: Generated<string>
  tenant_id: string
  created_by: string
  filename: string
  declared_type: Generated<string>
  size: ColumnType<string, string | number, string | number>
  received: ColumnType<string, string | number | undefined, string | number>
  metadata: Json
  created_at: Generated<Date>
  expires_at: Date
}

export interface AssetCollectionsTable {
  id: Generated<string>
  tenant_id: string
  tenant_slug: string
  title: string
  description: Generated<string>
  is_public: Generated<boolean>
  published_at: NullableTimestamp
  created_by: string
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export interface AssetCollectionItemsTable {
  collection_id: string
  asset_id: string
  tenant_id: string
  added_at: Generated<Date>
}

// Citizens' messages (0006_tickets.sql). Date columns are read as 'YYYY-MM-DD' text (the stores
// cast them), so no driver turns a calendar date into a local-midnight instant.
type IsoDateColumn = ColumnType<string, string, string>
type NullableIsoDate = ColumnType<string | null, string | null | undefined, string | null>
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

export interface DB {
  tenants: TenantsTable
  users: UsersTable
  password_history: PasswordHistoryTable
  roles: RolesTable
  memberships: MembershipsTable
  sessions: SessionsTable
  api_tokens: ApiTokensTable
  settings: SettingsTable
  audit_log: AuditLogTable
  audit_head: AuditHeadTable
  schema_migrations: SchemaMigrationsTable
  outbox_events: OutboxEventsTable
  stories: StoriesTable
  story_versions: StoryVersionsTable
  story_drafts: StoryDraftsTable
  story_images: StoryImagesTable
  review_workflows: ReviewWorkflowsTable
  review_cycles: ReviewCyclesTable
  review_decisions: ReviewDecisionsTable
  proofread_rounds: ProofreadRoundsTable
  check_overrides: CheckOverridesTable
  editorial_errors: EditorialErrorsTable
  editorial_error_people: EditorialErrorPeopleTable
  asset_blobs: AssetBlobsTable
  assets: AssetsTable
  asset_shares: AssetSharesTable
  asset_usages: AssetUsagesTable
  asset_limits: AssetLimitsTable
  asset_uploads: AssetUploadsTable
  asset_collections: AssetCollectionsTable
  asset_collection_items: AssetCollectionItemsTable
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
