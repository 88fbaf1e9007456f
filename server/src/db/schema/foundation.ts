import type { Generated } from 'kysely'
import type { NullableTimestamp, Json } from './columns.js'

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

/** Tenancy, identity, settings, audit, migrations, outbox (0001, 0002). */
export interface FoundationTables {
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
}
