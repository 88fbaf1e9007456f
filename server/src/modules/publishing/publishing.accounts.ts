import type { Database } from '../../db/database.js'
import { inScope, type Scope, type TenantScope, type Tx } from '../../db/scope.js'
import type { ChannelKind } from '../../db/schema.js'
import type { TenantContext } from '../../kernel/access.js'
import { appendAudit, withContext, type AuditContext } from '../../kernel/audit.js'
import { AppError } from '../../kernel/errors.js'
import type { SecretBox } from '../../kernel/secrets.js'
import { ChannelError, type Channel, type ChannelAccount, type TokenStore } from './channels/channel.js'
import { builtChannels, channelNames, type BuiltChannel } from './channels/index.js'
import * as store from './publishing.store.js'

/** Who acts on the publishing center: the request's tenant, user and audit facts. */
export interface PublishingActing {
  actorId: string
  tenant: Pick<TenantContext, 'id' | 'kind' | 'scope'>
  audit: AuditContext
}

export interface AccountInput {
  channel?: string
  name?: string
  ownerUnitId?: string | null
  status?: 'active' | 'disabled'
  settings?: Record<string, string>
  /** Fields to set; an empty string clears one; absent fields keep their value. */
  credentials?: Record<string, string>
  rateLimitPerMinute?: number
}

export function isBuilt(channel: string): channel is BuiltChannel {
  return (builtChannels as readonly string[]).includes(channel)
}

function invalid(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', `${field}: ${message}`, { errors: [{ field, message }] })
}

/** The account's credentials, opened; a row that cannot be opened (key changed) has none. */
export function openCredentials(secretBox: SecretBox, row: store.AccountRow): Record<string, string> {
  if (!row.credentials_sealed) return {}
  try {
    return JSON.parse(secretBox.open(row.credentials_sealed)) as Record<string, string>
  } catch {
    return {}
  }
}

export function channelAccount(secretBox: SecretBox, row: store.AccountRow): ChannelAccount {
  return { id: row.id, tenantId: row.tenant_id, name: row.name, settings: row.settings as Record<string, unknown>, credentials: openCredentials(secretBox, row) }
}

/** The sealed token cache of one account; each access is its own short transaction. */
export function tokenStore(db: Database, secretBox: SecretBox, scope: TenantScope, accountId: string): TokenStore {
  return {
    async get() {
      const row = await inScope(db, scope, (trx) => store.findAccount(trx, scope, accountId))
      if (!row?.token_sealed || !row.token_expires_at) return null
      try {
        return { token: secretBox.open(row.token_sealed), expiresAt: new Date(row.token_expires_at) }
      } catch {
        return null
      }
    },
    async save({ token, expiresAt }) {
      await inScope(db, scope, (trx) => store.updateAccount(trx, scope, accountId, { tokenSealed: secretBox.seal(token), tokenExpiresAt: expiresAt }))
    },
  }
}

/** The register of channel accounts (渠道账号): CRUD, sealed credentials, test connection. */
export function createAccountsService({ db, secretBox, channels, fetchImpl = fetch }: {
  db: Database; secretBox: SecretBox; channels: Record<BuiltChannel, Channel>; fetchImpl?: typeof fetch
}) {
  function checkFields(channel: Channel, input: AccountInput) {
    for (const key of Object.keys(input.credentials ?? {})) {
      if (!channel.fields.credentials.includes(key)) throw invalid(`credentials.${key}`, `is not a credential of ${channel.kind}`)
    }
    for (const key of Object.keys(input.settings ?? {})) {
      if (!channel.fields.settings.includes(key)) throw invalid(`settings.${key}`, `is not a setting of ${channel.kind}`)
    }
  }

  async function checkOwner(trx: Tx, scope: TenantScope, ownerUnitId: string | null | undefined) {
    if (ownerUnitId && !(await store.isUnitOf(trx, scope, ownerUnitId))) throw invalid('ownerUnitId', 'is not a unit of this center')
  }

  function sealed(current: Record<string, string>, changes: Record<string, string> | undefined) {
    const next = { ...current }
    for (const [k, v] of Object.entries(changes ?? {})) {
      if (v === '') delete next[k]
      else next[k] = v
    }
    const fields = Object.keys(next).sort()
    return { credentialsSealed: fields.length > 0 ? secretBox.seal(JSON.stringify(next)) : null, credentialFields: fields }
  }

  async function create(acting: PublishingActing, input: AccountInput & { channel: string; name: string }) {
    if (!isBuilt(input.channel)) throw new AppError('CHANNEL_NOT_BUILT', `${input.channel} 渠道尚未开放`, { errors: [{ field: 'channel', message: 'is not built yet' }] })
    const channel = channels[input.channel]
    checkFields(channel, input)
    const scope = acting.tenant.scope
    return inScope(db, scope, async (trx) => {
      await checkOwner(trx, scope, input.ownerUnitId)
      const { credentialsSealed, credentialFields } = sealed({}, input.credentials)
      const missing = channel.fields.requiredCredentials.filter((f) => !credentialFields.includes(f))
      if (missing.length > 0) throw new AppError('VALIDATION_FAILED', `credentials: ${missing.join(', ')} required`, { errors: missing.map((f) => ({ field: `credentials.${f}`, message: 'is required' })) })
      const row = await store.insertAccount(trx, scope, {
        channel: input.channel as ChannelKind, name: input.name.trim(), ownerUnitId: input.ownerUnitId ?? null, settings: input.settings ?? {},
        credentialsSealed, credentialFields, rateLimitPerMinute: input.rateLimitPerMinute ?? 20, createdBy: acting.actorId,
        status: input.status === 'disabled' ? 'disabled' : 'active',
      })
      // The audit names which credential fields were set, never their values.
      await appendAudit(trx, withContext(acting.audit, { action: 'account.created', targetType: 'publishing_account', targetId: row.id, details: { channel: row.channel, name: row.name, credentialFields } }))
      return row
    })
  }

  async function load(trx: Tx, scope: TenantScope, id: string, { isForUpdate = false } = {}) {
    const row = await store.findAccount(trx, scope, id, { isForUpdate })
    if (!row) throw new AppError('ACCOUNT_NOT_FOUND')
    return row
  }

  async function update(acting: PublishingActing, id: string, input: AccountInput) {
    const scope = acting.tenant.scope
    return inScope(db, scope, async (trx) => {
      const row = await load(trx, scope, id, { isForUpdate: true })
      if (input.channel && input.channel !== row.channel) throw invalid('channel', 'cannot be changed; create a new account')
      const channel = isBuilt(row.channel) ? channels[row.channel] : null
      if (channel) checkFields(channel, input)
      await checkOwner(trx, scope, input.ownerUnitId)
      const credentialsChanged = input.credentials !== undefined && Object.keys(input.credentials).length > 0
      const creds = credentialsChanged ? sealed(openCredentials(secretBox, row), input.credentials) : null
      // New credentials end a needs-reauth state, and make any cached token stale.
      const status = input.status ?? (credentialsChanged && row.status === 'needs_reauth' ? 'active' : undefined)
      await store.updateAccount(trx, scope, id, {
        name: input.name?.trim(), ownerUnitId: input.ownerUnitId, status,
        settings: input.settings ? { ...(row.settings as Record<string, unknown>), ...input.settings } : undefined,
        rateLimitPerMinute: input.rateLimitPerMinute,
        ...(creds ? { ...creds, tokenSealed: null, tokenExpiresAt: null } : {}),
      })
      await appendAudit(trx, withContext(acting.audit, {
        action: 'account.updated', targetType: 'publishing_account', targetId: id,
        details: { fields: Object.keys(input).filter((k) => k !== 'credentials'), credentialFieldsChanged: Object.keys(input.credentials ?? {}), status: status ?? null },
      }))
      return load(trx, scope, id)
    })
  }

  async function remove(acting: PublishingActing, id: string) {
    const scope = acting.tenant.scope
    await inScope(db, scope, async (trx) => {
      const row = await load(trx, scope, id, { isForUpdate: true })
      // Publications keep pointing at the row, so it is only marked deleted (and its secrets dropped).
      await store.updateAccount(trx, scope, id, { deletedAt: new Date(), status: 'disabled', credentialsSealed: null, credentialFields: [], tokenSealed: null, tokenExpiresAt: null })
      await appendAudit(trx, withContext(acting.audit, { action: 'account.deleted', targetType: 'publishing_account', targetId: id, details: { channel: row.channel, name: row.name } }))
    })
  }

  async function get(acting: Pick<PublishingActing, 'tenant'>, id: string) {
    return inScope(db, acting.tenant.scope, (trx) => load(trx, acting.tenant.scope, id))
  }

  async function list(acting: Pick<PublishingActing, 'tenant'>, filter: { channel?: string; status?: string }) {
    return inScope(db, acting.tenant.scope, (trx) => store.listAccounts(trx, acting.tenant.scope, filter))
  }

  /**
   * "Test connection": asks the platform with the stored credentials (no transaction is held
   * during the call), then records the outcome; a refusal of the credentials marks the account
   * as needing re-authorisation.
   */
  async function test(acting: PublishingActing, id: string) {
    const scope = acting.tenant.scope
    const row = await get(acting, id)
    if (!isBuilt(row.channel)) throw new AppError('CHANNEL_NOT_BUILT')
    const now = new Date()
    let isOk = true
    let message: string
    let hint: string | null = null
    let needsReauth = false
    try {
      message = await channels[row.channel].test({ account: channelAccount(secretBox, row), tokens: tokenStore(db, secretBox, scope, id), fetch: fetchImpl, now })
    } catch (error) {
      isOk = false
      if (error instanceof ChannelError) {
        message = error.message
        hint = error.hint
        needsReauth = error.needsReauth
      } else {
        message = String((error as Error).message ?? error)
      }
    }
    return inScope(db, scope, async (trx) => {
      await store.updateAccount(trx, scope, id, {
        lastTestedAt: now, lastTestOk: isOk, lastTestMessage: message.slice(0, 1000),
        ...(needsReauth ? { status: 'needs_reauth' as const } : isOk && row.status === 'needs_reauth' ? { status: 'active' as const } : {}),
      })
      await appendAudit(trx, withContext(acting.audit, { action: 'account.tested', outcome: isOk ? 'success' : 'failure', targetType: 'publishing_account', targetId: id, details: { message: message.slice(0, 300) } }))
      return { isOk, message, hint, account: await load(trx, scope, id) }
    })
  }

  async function listSets(acting: Pick<PublishingActing, 'tenant'>) {
    return inScope(db, acting.tenant.scope, (trx) => store.listChannelSets(trx, acting.tenant.scope))
  }

  async function createSet(acting: PublishingActing, input: { name: string; accountIds: string[] }) {
    const scope = acting.tenant.scope
    return inScope(db, scope, async (trx) => {
      const ids = [...new Set(input.accountIds)]
      const found = await store.findAccounts(trx, scope, ids)
      if (found.length !== ids.length) throw invalid('accountIds', 'names an account that does not exist')
      if ((await store.listChannelSets(trx, scope)).some((s) => s.name === input.name.trim())) throw new AppError('CONFLICT', '已有同名的渠道组合', { errors: [{ field: 'name', message: 'is taken' }] })
      const row = await store.insertChannelSet(trx, scope, { name: input.name.trim(), accountIds: ids, createdBy: acting.actorId })
      await appendAudit(trx, withContext(acting.audit, { action: 'channel_set.created', targetType: 'channel_set', targetId: row.id, details: { name: row.name, accounts: ids.length } }))
      return row
    })
  }

  async function removeSet(acting: PublishingActing, id: string) {
    const scope = acting.tenant.scope
    await inScope(db, scope, async (trx) => {
      if (!(await store.deleteChannelSet(trx, scope, id))) throw new AppError('CHANNEL_SET_NOT_FOUND')
      await appendAudit(trx, withContext(acting.audit, { action: 'channel_set.deleted', targetType: 'channel_set', targetId: id }))
    })
  }

  return { create, update, remove, get, list, test, listSets, createSet, removeSet }
}

export type AccountsService = ReturnType<typeof createAccountsService>

/** The account as the API shows it: which credentials are set, never their values. */
export function accountView(row: store.AccountRow, channels: Record<BuiltChannel, Channel>) {
  const channel = isBuilt(row.channel) ? channels[row.channel] : null
  return {
    id: row.id, channel: row.channel, channelName: isBuilt(row.channel) ? channelNames[row.channel] : row.channel, name: row.name,
    status: row.status, ownerUnitId: row.owner_unit_id, settings: row.settings as Record<string, string>,
    credentialFields: row.credential_fields, credentialFieldsAvailable: [...(channel?.fields.credentials ?? [])],
    settingFieldsAvailable: [...(channel?.fields.settings ?? [])],
    rateLimitPerMinute: row.rate_limit_per_minute,
    capabilities: channel?.capabilities ?? null,
    lastTest: row.last_tested_at ? { at: new Date(row.last_tested_at).toISOString(), isOk: Boolean(row.last_test_ok), message: row.last_test_message ?? '' } : null,
    createdAt: new Date(row.created_at).toISOString(), updatedAt: new Date(row.updated_at).toISOString(),
  }
}

export type { Scope }
