import { sql, type Selectable } from 'kysely'
import { requireScope, requireTenantScope, type Scope, type TenantScope, type Tx } from '../../db/scope.js'
import type {
  AccountStatus, ChannelKind, PublicationAction, PublicationJobsTable, PublicationsTable, PublicationStatus, PublishingAccountsTable,
} from '../../db/schema.js'

/**
 * SQL of the publishing center. Every tenant query names the tenant as a plain parameter (RLS
 * is the second wall); the job queue is claimed across tenants in the system scope.
 */

export type AccountRow = Selectable<PublishingAccountsTable>
export type PublicationRow = Selectable<PublicationsTable>
export type JobRow = Selectable<PublicationJobsTable>

// ---- accounts ----

export async function insertAccount(trx: Tx, scope: TenantScope, a: {
  channel: ChannelKind; name: string; ownerUnitId: string | null; settings: Record<string, unknown>; credentialsSealed: string | null
  credentialFields: string[]; rateLimitPerMinute: number; createdBy: string | null; status?: AccountStatus
}): Promise<AccountRow> {
  requireTenantScope(scope)
  return trx.insertInto('publishing_accounts').values({
    tenant_id: scope.tenantId, channel: a.channel, name: a.name, owner_unit_id: a.ownerUnitId, settings: JSON.stringify(a.settings),
    credentials_sealed: a.credentialsSealed, credential_fields: a.credentialFields, rate_limit_per_minute: a.rateLimitPerMinute,
    created_by: a.createdBy, ...(a.status ? { status: a.status } : {}),
  }).returningAll().executeTakeFirstOrThrow()
}

export async function findAccount(trx: Tx, scope: Scope, id: string, { isForUpdate = false } = {}): Promise<AccountRow | undefined> {
  requireScope(scope)
  let query = trx.selectFrom('publishing_accounts').selectAll().where('id', '=', id).where('deleted_at', 'is', null)
  if (scope.kind === 'tenant') query = query.where('tenant_id', '=', scope.tenantId)
  return (isForUpdate ? query.forUpdate() : query).executeTakeFirst()
}

export async function findAccounts(trx: Tx, scope: TenantScope, ids: readonly string[]): Promise<AccountRow[]> {
  requireTenantScope(scope)
  if (ids.length === 0) return []
  return trx.selectFrom('publishing_accounts').selectAll().where('tenant_id', '=', scope.tenantId).where('id', 'in', [...ids])
    .where('deleted_at', 'is', null).execute()
}

export async function listAccounts(trx: Tx, scope: TenantScope, f: { channel?: string; status?: string }): Promise<AccountRow[]> {
  requireTenantScope(scope)
  let query = trx.selectFrom('publishing_accounts').selectAll().where('tenant_id', '=', scope.tenantId).where('deleted_at', 'is', null)
  if (f.channel) query = query.where('channel', '=', f.channel as ChannelKind)
  if (f.status) query = query.where('status', '=', f.status as AccountStatus)
  // A tenant has hundreds of accounts at most (DOMAIN.md): one page, ordered for the picker.
  return query.orderBy('channel').orderBy('name').orderBy('id').limit(1000).execute()
}

export async function updateAccount(trx: Tx, scope: TenantScope, id: string, u: Partial<{
  name: string; ownerUnitId: string | null; settings: Record<string, unknown>; credentialsSealed: string | null; credentialFields: string[]
  status: AccountStatus; rateLimitPerMinute: number; tokenSealed: string | null; tokenExpiresAt: Date | null
  lastTestedAt: Date; lastTestOk: boolean; lastTestMessage: string; deletedAt: Date
}>): Promise<void> {
  requireTenantScope(scope)
  await trx.updateTable('publishing_accounts').set({
    updated_at: new Date(),
    ...(u.name !== undefined ? { name: u.name } : {}),
    ...(u.ownerUnitId !== undefined ? { owner_unit_id: u.ownerUnitId } : {}),
    ...(u.settings !== undefined ? { settings: JSON.stringify(u.settings) } : {}),
    ...(u.credentialsSealed !== undefined ? { credentials_sealed: u.credentialsSealed } : {}),
    ...(u.credentialFields !== undefined ? { credential_fields: u.credentialFields } : {}),
    ...(u.status !== undefined ? { status: u.status } : {}),
    ...(u.rateLimitPerMinute !== undefined ? { rate_limit_per_minute: u.rateLimitPerMinute } : {}),
    ...(u.tokenSealed !== undefined ? { token_sealed: u.tokenSealed } : {}),
    ...(u.tokenExpiresAt !== undefined ? { token_expires_at: u.tokenExpiresAt } : {}),
    ...(u.lastTestedAt !== undefined ? { last_tested_at: u.lastTestedAt } : {}),
    ...(u.lastTestOk !== undefined ? { last_test_ok: u.lastTestOk } : {}),
    ...(u.lastTestMessage !== undefined ? { last_test_message: u.lastTestMessage } : {}),
    ...(u.deletedAt !== undefined ? { deleted_at: u.deletedAt } : {}),
  }).where('id', '=', id).where('tenant_id', '=', scope.tenantId).execute()
}

export async function isUnitOf(trx: Tx, scope: TenantScope, unitId: string): Promise<boolean> {
  requireTenantScope(scope)
  const row = await trx.selectFrom('tenants').select('id').where('id', '=', unitId).where('parent_id', '=', scope.tenantId).executeTakeFirst()
  return Boolean(row)
}

export async function tenantSlug(trx: Tx, scope: Scope, tenantId: string): Promise<string> {
  requireScope(scope)
  const row = await trx.selectFrom('tenants').select('slug').where('id', '=', tenantId).executeTakeFirstOrThrow()
  return row.slug
}

// ---- channel sets ----

export async function listChannelSets(trx: Tx, scope: TenantScope) {
  requireTenantScope(scope)
  return trx.selectFrom('publishing_channel_sets').selectAll().where('tenant_id', '=', scope.tenantId).orderBy('name').limit(500).execute()
}

export async function findChannelSet(trx: Tx, scope: TenantScope, id: string) {
  requireTenantScope(scope)
  return trx.selectFrom('publishing_channel_sets').selectAll().where('tenant_id', '=', scope.tenantId).where('id', '=', id).executeTakeFirst()
}

export async function insertChannelSet(trx: Tx, scope: TenantScope, s: { name: string; accountIds: string[]; createdBy: string }) {
  requireTenantScope(scope)
  return trx.insertInto('publishing_channel_sets').values({ tenant_id: scope.tenantId, name: s.name, account_ids: s.accountIds, created_by: s.createdBy })
    .returningAll().executeTakeFirstOrThrow()
}

export async function deleteChannelSet(trx: Tx, scope: TenantScope, id: string): Promise<boolean> {
  requireTenantScope(scope)
  const res = await trx.deleteFrom('publishing_channel_sets').where('tenant_id', '=', scope.tenantId).where('id', '=', id).executeTakeFirst()
  return Number(res.numDeletedRows) > 0
}

// ---- publications ----

export async function findPublication(trx: Tx, scope: Scope, id: string, { isForUpdate = false } = {}): Promise<PublicationRow | undefined> {
  requireScope(scope)
  let query = trx.selectFrom('publications').selectAll().where('id', '=', id)
  if (scope.kind === 'tenant') query = query.where('tenant_id', '=', scope.tenantId)
  return (isForUpdate ? query.forUpdate() : query).executeTakeFirst()
}

export async function listStoryPublications(trx: Tx, scope: TenantScope, storyId: string, { isForUpdate = false } = {}): Promise<PublicationRow[]> {
  requireTenantScope(scope)
  const query = trx.selectFrom('publications').selectAll().where('tenant_id', '=', scope.tenantId).where('story_id', '=', storyId)
    .orderBy('created_at').orderBy('channel').orderBy('id')
  return (isForUpdate ? query.forUpdate() : query).execute()
}

/** A story's publications as people read them: with the account's name (deleted accounts keep theirs). */
export async function listStoryPublicationViews(trx: Tx, scope: TenantScope, storyId: string): Promise<Array<PublicationRow & { account_name: string }>> {
  requireTenantScope(scope)
  return trx.selectFrom('publications as p').innerJoin('publishing_accounts as a', 'a.id', 'p.account_id')
    .selectAll('p').select('a.name as account_name')
    .where('p.tenant_id', '=', scope.tenantId).where('p.story_id', '=', storyId)
    .orderBy('p.created_at').orderBy('p.channel').orderBy('p.id').execute()
}

export async function insertPublication(trx: Tx, scope: TenantScope, p: {
  storyId: string; accountId: string; channel: ChannelKind; versionNumber: number; versionHash: string
  overrides: Record<string, unknown>; scheduledAt: Date | null; createdBy: string
}): Promise<PublicationRow> {
  requireTenantScope(scope)
  return trx.insertInto('publications').values({
    tenant_id: scope.tenantId, story_id: p.storyId, account_id: p.accountId, channel: p.channel, status: 'queued',
    version_number: p.versionNumber, version_hash: p.versionHash, overrides: JSON.stringify(p.overrides), scheduled_at: p.scheduledAt,
    created_by: p.createdBy,
  }).returningAll().executeTakeFirstOrThrow()
}

export interface PublicationChange {
  status?: PublicationStatus
  versionNumber?: number
  versionHash?: string
  liveVersionNumber?: number | null
  url?: string | null
  remote?: Record<string, unknown>
  overrides?: Record<string, unknown>
  error?: { code: string; message: string; hint: string } | null
  scheduledAt?: Date | null
  liveAt?: Date | null
  withdrawnAt?: Date | null
  withdrawalReason?: string | null
  withdrawalOutcome?: string | null
  corrections?: Array<Record<string, unknown>>
}

export async function updatePublication(trx: Tx, scope: Scope, id: string, c: PublicationChange): Promise<PublicationRow> {
  requireScope(scope)
  let query = trx.updateTable('publications').set({
    updated_at: new Date(),
    ...(c.status !== undefined ? { status: c.status } : {}),
    ...(c.versionNumber !== undefined ? { version_number: c.versionNumber } : {}),
    ...(c.versionHash !== undefined ? { version_hash: c.versionHash } : {}),
    ...(c.liveVersionNumber !== undefined ? { live_version_number: c.liveVersionNumber } : {}),
    ...(c.url !== undefined ? { url: c.url } : {}),
    ...(c.remote !== undefined ? { remote: JSON.stringify(c.remote) } : {}),
    ...(c.overrides !== undefined ? { overrides: JSON.stringify(c.overrides) } : {}),
    ...(c.error !== undefined ? { error_code: c.error?.code ?? null, error_message: c.error?.message ?? null, error_hint: c.error?.hint ?? null } : {}),
    ...(c.scheduledAt !== undefined ? { scheduled_at: c.scheduledAt } : {}),
    ...(c.liveAt !== undefined ? { live_at: c.liveAt } : {}),
    ...(c.withdrawnAt !== undefined ? { withdrawn_at: c.withdrawnAt } : {}),
    ...(c.withdrawalReason !== undefined ? { withdrawal_reason: c.withdrawalReason } : {}),
    ...(c.withdrawalOutcome !== undefined ? { withdrawal_outcome: c.withdrawalOutcome } : {}),
    ...(c.corrections !== undefined ? { corrections: JSON.stringify(c.corrections) } : {}),
  }).where('id', '=', id)
  if (scope.kind === 'tenant') query = query.where('tenant_id', '=', scope.tenantId)
  return query.returningAll().executeTakeFirstOrThrow()
}

/** Publications whose time (scheduled, else created) falls in [from, to): the schedule calendar. */
export async function listSchedule(trx: Tx, scope: TenantScope, { from, to, limit }: { from: Date; to: Date; limit: number }) {
  requireTenantScope(scope)
  return trx.selectFrom('publications as p').innerJoin('stories as s', 's.id', 'p.story_id')
    .innerJoin('publishing_accounts as a', 'a.id', 'p.account_id')
    .selectAll('p').select(['s.title as story_title', 'a.name as account_name'])
    .where('p.tenant_id', '=', scope.tenantId)
    .where(sql<Date>`coalesce(p.scheduled_at, p.created_at)`, '>=', from).where(sql<Date>`coalesce(p.scheduled_at, p.created_at)`, '<', to)
    .orderBy(sql`coalesce(p.scheduled_at, p.created_at)`).orderBy('p.id').limit(limit).execute()
}

export interface BoardFilter {
  status?: PublicationStatus
  channel?: ChannelKind
  accountId?: string
  /** Bounds on the publication's creation (when it was asked for): from ≤ created_at < to. */
  createdFrom?: Date
  createdTo?: Date
}

/** The tenant-wide status board, newest change first, cursor-paginated, narrowed by the filter. */
export async function listBoard(trx: Tx, scope: TenantScope, { limit, after, ...f }: BoardFilter & { limit: number; after?: { updatedAt: Date; id: string } }) {
  requireTenantScope(scope)
  let query = trx.selectFrom('publications as p').innerJoin('stories as s', 's.id', 'p.story_id')
    .innerJoin('publishing_accounts as a', 'a.id', 'p.account_id')
    .selectAll('p').select(['s.title as story_title', 'a.name as account_name'])
    .where('p.tenant_id', '=', scope.tenantId)
  if (f.status) query = query.where('p.status', '=', f.status)
  if (f.channel) query = query.where('p.channel', '=', f.channel)
  if (f.accountId) query = query.where('p.account_id', '=', f.accountId)
  if (f.createdFrom) query = query.where('p.created_at', '>=', f.createdFrom)
  if (f.createdTo) query = query.where('p.created_at', '<', f.createdTo)
  if (after) query = query.where(sql<boolean>`(p.updated_at, p.id) < (${after.updatedAt}, ${after.id}::uuid)`)
  return query.orderBy('p.updated_at', 'desc').orderBy('p.id', 'desc').limit(limit).execute()
}

export async function findByRemote(trx: Tx, scope: Scope, { channel, key, value }: { channel: ChannelKind; key: string; value: string }): Promise<PublicationRow | undefined> {
  requireScope(scope)
  return trx.selectFrom('publications').selectAll().where('channel', '=', channel)
    .where(sql<string>`remote ->> ${key}`, '=', value).forUpdate().executeTakeFirst()
}

// ---- jobs ----

/**
 * Enqueues work once per idempotency key: a second request for the same story version, account
 * and action is a no-op, unless the earlier job failed or was cancelled (then it runs again).
 * @returns true when a job is pending now because of this call.
 */
export async function enqueueJob(trx: Tx, scope: TenantScope, j: {
  publicationId: string; action: PublicationAction; versionNumber: number; idempotencyKey: string; runAt: Date; payload?: Record<string, unknown>
}): Promise<boolean> {
  requireTenantScope(scope)
  const row = await trx.insertInto('publication_jobs').values({
    tenant_id: scope.tenantId, publication_id: j.publicationId, action: j.action, version_number: j.versionNumber,
    idempotency_key: j.idempotencyKey, run_at: j.runAt, payload: JSON.stringify(j.payload ?? {}),
  }).onConflict((oc) => oc.columns(['tenant_id', 'idempotency_key']).doUpdateSet({
    state: 'pending', attempts: 0, run_at: j.runAt, last_error: null, finished_at: null, lease_until: null, payload: JSON.stringify(j.payload ?? {}),
  }).where('publication_jobs.state', 'in', ['failed', 'cancelled'])).returning('id').executeTakeFirst()
  return Boolean(row)
}

/** Cancels the pending work of a publication (a withdrawal overtakes a queued send). */
export async function cancelJobs(trx: Tx, scope: TenantScope, publicationId: string, actions: readonly PublicationAction[]): Promise<number> {
  requireTenantScope(scope)
  const res = await trx.updateTable('publication_jobs').set({ state: 'cancelled', finished_at: new Date() })
    .where('tenant_id', '=', scope.tenantId).where('publication_id', '=', publicationId).where('state', '=', 'pending')
    .where('action', 'in', [...actions]).executeTakeFirst()
  return Number(res.numUpdatedRows)
}

/**
 * Claims up to `limit` due jobs across tenants: pending ones whose time has come, and running
 * ones whose lease ran out (their worker died). SKIP LOCKED lets several workers share the queue.
 */
export async function claimJobs(trx: Tx, scope: Scope, { now, leaseMs, limit }: { now: Date; leaseMs: number; limit: number }): Promise<JobRow[]> {
  requireScope(scope)
  const rows = await trx.selectFrom('publication_jobs').selectAll()
    .where((eb) => eb.or([
      eb.and([eb('state', '=', 'pending'), eb('run_at', '<=', now)]),
      eb.and([eb('state', '=', 'running'), eb('lease_until', '<', now)]),
    ]))
    .orderBy('run_at').limit(limit).forUpdate().skipLocked().execute()
  if (rows.length === 0) return []
  return trx.updateTable('publication_jobs').set({ state: 'running', lease_until: new Date(now.getTime() + leaseMs), attempts: sql`attempts + 1` })
    .where('id', 'in', rows.map((r) => r.id)).returningAll().execute()
}

export async function findJob(trx: Tx, scope: Scope, id: string): Promise<JobRow | undefined> {
  requireScope(scope)
  return trx.selectFrom('publication_jobs').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
}

export async function finishJob(trx: Tx, scope: Scope, id: string, { state, error = null, runAt }: { state: 'done' | 'failed' | 'pending' | 'cancelled'; error?: string | null; runAt?: Date }): Promise<void> {
  requireScope(scope)
  await trx.updateTable('publication_jobs').set({
    state, last_error: error, lease_until: null,
    ...(state === 'pending' ? { run_at: runAt ?? new Date() } : { finished_at: new Date() }),
  }).where('id', '=', id).execute()
}

/** Resets attempts (a rate-limit wait is not a failed attempt). */
export async function deferJob(trx: Tx, scope: Scope, id: string, runAt: Date): Promise<void> {
  requireScope(scope)
  await trx.updateTable('publication_jobs').set({ state: 'pending', lease_until: null, run_at: runAt, attempts: sql`greatest(attempts - 1, 0)` })
    .where('id', '=', id).execute()
}

/**
 * Counts one send against the account's per-minute budget.
 * @returns false (and counts nothing) when the budget of this minute is spent.
 */
export async function takeSendSlot(trx: Tx, scope: Scope, { accountId, tenantId, windowStart, limit }: { accountId: string; tenantId: string; windowStart: Date; limit: number }): Promise<boolean> {
  requireScope(scope)
  const row = await trx.insertInto('publishing_send_windows').values({ account_id: accountId, tenant_id: tenantId, window_start: windowStart, sends: 1 })
    .onConflict((oc) => oc.columns(['account_id', 'window_start']).doUpdateSet({ sends: sql`publishing_send_windows.sends + 1` })
      .where('publishing_send_windows.sends', '<', limit))
    .returning('sends').executeTakeFirst()
  // Old windows are no longer needed once a new one opens.
  if (row?.sends === 1) await trx.deleteFrom('publishing_send_windows').where('account_id', '=', accountId).where('window_start', '<', windowStart).execute()
  return Boolean(row)
}

// ---- send progress ----

/**
 * Merges a send's finished steps into the publication's `remote` in their own short transaction
 * (the runner holds none while a platform call is out), so they survive the process.
 */
export async function mergePublicationRemote(trx: Tx, scope: TenantScope, id: string, progress: Record<string, unknown>): Promise<void> {
  requireTenantScope(scope)
  await trx.updateTable('publications').set({ remote: sql`remote || ${JSON.stringify(progress)}::jsonb`, updated_at: new Date() })
    .where('id', '=', id).where('tenant_id', '=', scope.tenantId).execute()
}
