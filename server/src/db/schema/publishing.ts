import type { ColumnType, Generated } from 'kysely'
import type { Json, JsonList, NullableTimestamp } from './columns.js'

export type ChannelKind = 'website' | 'rss' | 'webhook' | 'wechat_oa' | 'weibo' | 'douyin' | 'kuaishou' | 'bilibili' | 'toutiao' | 'app'
export type AccountStatus = 'active' | 'needs_reauth' | 'disabled'
export type PublicationStatus = 'queued' | 'sending' | 'awaiting_platform' | 'live' | 'failed' | 'withdrawn'
export type PublicationAction = 'publish' | 'update' | 'withdraw' | 'poll'
export type JobState = 'pending' | 'running' | 'done' | 'failed' | 'cancelled'

export interface PublishingAccountsTable {
  id: Generated<string>
  tenant_id: string
  channel: ChannelKind
  name: string
  owner_unit_id: string | null
  status: Generated<AccountStatus>
  settings: Json
  credentials_sealed: string | null
  credential_fields: ColumnType<string[], string[] | undefined, string[]>
  token_sealed: string | null
  token_expires_at: NullableTimestamp
  rate_limit_per_minute: Generated<number>
  last_tested_at: NullableTimestamp
  last_test_ok: boolean | null
  last_test_message: string | null
  created_by: string | null
  created_at: Generated<Date>
  updated_at: Generated<Date>
  deleted_at: NullableTimestamp
}

export interface PublishingChannelSetsTable {
  id: Generated<string>
  tenant_id: string
  name: string
  account_ids: string[]
  created_by: string | null
  created_at: Generated<Date>
}

export interface PublicationsTable {
  id: Generated<string>
  tenant_id: string
  story_id: string
  account_id: string
  channel: ChannelKind
  status: PublicationStatus
  version_number: number
  version_hash: string
  live_version_number: number | null
  url: string | null
  remote: Json
  overrides: Json
  error_code: string | null
  error_message: string | null
  error_hint: string | null
  scheduled_at: NullableTimestamp
  live_at: NullableTimestamp
  withdrawn_at: NullableTimestamp
  withdrawal_reason: string | null
  withdrawal_outcome: string | null
  corrections: JsonList
  created_by: string | null
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export interface PublicationJobsTable {
  id: Generated<string>
  tenant_id: string
  publication_id: string
  action: PublicationAction
  version_number: number
  idempotency_key: string
  state: Generated<JobState>
  attempts: Generated<number>
  run_at: Generated<Date>
  lease_until: NullableTimestamp
  last_error: string | null
  payload: Json
  created_at: Generated<Date>
  finished_at: NullableTimestamp
}

export interface PublishingSendWindowsTable {
  account_id: string
  tenant_id: string
  window_start: Date
  sends: Generated<number>
}

export interface PublishingTables {
  publishing_accounts: PublishingAccountsTable
  publishing_channel_sets: PublishingChannelSetsTable
  publications: PublicationsTable
  publication_jobs: PublicationJobsTable
  publishing_send_windows: PublishingSendWindowsTable
}
