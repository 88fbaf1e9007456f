import type { Database } from '../../db/database.js'
import { inScope, systemScope, tenantScope, type TenantScope, type Tx } from '../../db/scope.js'
import { appendAudit, withContext } from '../../kernel/audit.js'
import { AppError, type FieldError } from '../../kernel/errors.js'
import { emitEvent } from '../../kernel/events.js'
import { decodeCursor, encodeCursor } from '../../kernel/openapi.js'
import type { SecretBox } from '../../kernel/secrets.js'
import { parseInstant } from '../audit/audit.service.js'
import { getForReview } from '../stories/stories.service.js'
import { articlePreview, type Channel } from './channels/channel.js'
import { builtChannels, type BuiltChannel } from './channels/index.js'
import { isWechatSignatureValid, parsePublishJobFinish } from './channels/wechat.js'
import { channelAccount, isBuilt, openCredentials, type PublishingActing } from './publishing.accounts.js'
import { applyOutcome, syncCoverUse } from './publishing.jobs.js'
import { channelStory, type Overrides } from './publishing.story.js'
import type { AccountCheck, BoardQuery } from './publishing.schema.js'
import * as store from './publishing.store.js'

export interface PublishInput {
  accounts?: string[]
  channelSetId?: string
  /** Keyed by account id or by channel kind (the account id wins). */
  overrides?: Record<string, Overrides>
  scheduleAt?: string
  /** Shown with a correction (更正) when this publish updates live publications. */
  correctionNote?: string
}

/** The idempotency key of one piece of work: the story version, the account and the action. */
export function jobKey(p: { story_id: string; account_id: string }, versionNumber: number, action: string): string {
  return `${p.story_id}:v${versionNumber}:${p.account_id}:${action}`
}

const DEFAULT_CORRECTION = (n: number) => `本文已更正（第 ${n} 版）。`

/**
 * Enqueues the correction of every live publication of a story to `version` (a newer signed-off
 * version), in the caller's transaction. Channels that update in place are updated; the others
 * get a correction notice (the runner decides by capability).
 * @returns the publications that will be corrected.
 */
export async function enqueueCorrections(trx: Tx, scope: TenantScope, { storyId, versionNumber, versionHash, note, accountIds }: {
  storyId: string; versionNumber: number; versionHash: string; note: string; accountIds?: readonly string[]
}): Promise<store.PublicationRow[]> {
  const rows = await store.listStoryPublications(trx, scope, storyId, { isForUpdate: true })
  const touched: store.PublicationRow[] = []
  for (const row of rows) {
    if (accountIds && !accountIds.includes(row.account_id)) continue
    if (row.status !== 'live' || (row.live_version_number ?? 0) >= versionNumber) continue
    await store.updatePublication(trx, scope, row.id, { versionNumber, versionHash, error: null })
    await store.enqueueJob(trx, scope, { publicationId: row.id, action: 'update', versionNumber, idempotencyKey: jobKey(row, versionNumber, 'update'), runAt: new Date(), payload: { note } })
    touched.push(row)
  }
  return touched
}

/** Overrides for one account: its own, else those given for its channel kind. */
function overridesFor(input: PublishInput, account: Pick<store.AccountRow, 'id' | 'channel'>): Overrides {
  return input.overrides?.[account.id] ?? input.overrides?.[account.channel] ?? {}
}

/** A code for a problem an adapter did not name: `WECHAT_OA_COVER` for wechat_oa's `cover`. */
export function problemCode(channel: string, field: string): string {
  return `${channel}_${field}`.toUpperCase().replace(/[^A-Z0-9]+/g, '_')
}

const hasErrors = (check: AccountCheck) => check.problems.some((p) => p.severity === 'error')

/** Only a signed-off version goes out; an edit after sign-off sent the story back into review. */
function refuseUnsigned(story: { state: string }): void {
  if (story.state !== 'signed_off') {
    throw new AppError('PUBLICATION_NOT_SIGNED_OFF', story.state === 'in_review' ? '稿件修改后需要重新审核签发才能发布' : '稿件尚未终审签发，不能发布', { extra: { state: story.state } })
  }
}

/** A version withdrawn from an account cannot go out there again by accident. */
function refuseWithdrawnVersion(existing: readonly store.PublicationRow[], accounts: readonly store.AccountRow[], versionNumber: number): void {
  for (const account of accounts) {
    const current = existing.find((p) => p.account_id === account.id)
    if (current?.status === 'withdrawn' && current.version_number >= versionNumber) {
      throw new AppError('PUBLICATION_WITHDRAWN', `${account.name}：这一版已撤稿，需修改并重新签发后才能再次发布`)
    }
  }
}

/**
 * Publications (发布): send a signed-off story to accounts, correct it, withdraw it, and the
 * lists of the status board and the schedule. Every change is one transaction with its audit;
 * the sending itself is done by durable jobs (publishing.jobs.ts), never inside a request.
 */
export function createPublishingService({ db, secretBox, channels, publicUrl }: { db: Database; secretBox: SecretBox; channels: Record<BuiltChannel, Channel>; publicUrl: string }) {
  /** The accounts a request names (directly or by a saved set), each active and on a built channel. */
  async function chosenAccounts(scope: TenantScope, input: PublishInput): Promise<store.AccountRow[]> {
    return inScope(db, scope, async (trx) => {
      let ids = [...new Set(input.accounts ?? [])]
      if (input.channelSetId) {
        const set = await store.findChannelSet(trx, scope, input.channelSetId)
        if (!set) throw new AppError('CHANNEL_SET_NOT_FOUND')
        ids = [...new Set([...ids, ...set.account_ids])]
      }
      if (ids.length === 0) throw new AppError('VALIDATION_FAILED', 'accounts: choose at least one account', { errors: [{ field: 'accounts', message: 'choose at least one account' }] })
      const rows = await store.findAccounts(trx, scope, ids)
      const errors: FieldError[] = []
      ids.forEach((id, i) => {
        const row = rows.find((r) => r.id === id)
        if (!row) errors.push({ field: `accounts[${i}]`, message: 'does not exist' })
        else if (!isBuilt(row.channel)) errors.push({ field: `accounts[${i}]`, message: `${row.channel} 渠道尚未开放` })
        else if (row.status !== 'active') errors.push({ field: `accounts[${i}]`, message: row.status === 'needs_reauth' ? `${row.name} 需要重新授权` : `${row.name} 已停用` })
      })
      if (errors.some((e) => e.message === 'does not exist')) throw new AppError('ACCOUNT_NOT_FOUND', undefined, { errors })
      if (errors.length > 0) throw new AppError('ACCOUNT_UNAVAILABLE', errors.map((e) => e.message).join('；'), { errors })
      return ids.map((id) => rows.find((r) => r.id === id)!)
    })
  }

  /**
   * Each account's problems and preview for one story version: the story shaped for the channel
   * (overrides, cover crop), the adapter's `validate`, and what it would receive. Reads only;
   * the cover's renditions are read outside any transaction.
   */
  async function checkAccounts(scope: TenantScope, { storyId, versionNumber, accounts, input }: {
    storyId: string; versionNumber: number; accounts: store.AccountRow[]; input: PublishInput
  }): Promise<AccountCheck[]> {
    const checks: AccountCheck[] = []
    for (const account of accounts) {
      const channel = channels[account.channel as BuiltChannel]
      const overrides = overridesFor(input, account)
      const probe = { story_id: storyId, tenant_id: scope.tenantId, channel: account.channel, overrides: overrides as Record<string, unknown>, live_at: null }
      const shaped = await channelStory(db, scope, { publication: probe, versionNumber, correction: null, publicUrl })
      const target = channelAccount(secretBox, account)
      const problems = channel.validate(shaped, target).map((p) => ({
        severity: p.severity ?? 'error' as const, code: p.code ?? problemCode(account.channel, p.field), field: p.field, message: p.message,
      }))
      const preview = channel.preview?.(shaped, target) ?? articlePreview(shaped, channel.capabilities)
      checks.push({ accountId: account.id, accountName: account.name, channel: account.channel, problems, preview })
    }
    return checks
  }

  /**
   * What publish and its preview share: the chosen accounts, the story refused unless signed off,
   * a withdrawn version refused, and every account checked against its channel's rules.
   */
  async function prepare(scope: TenantScope, storyId: string, input: PublishInput) {
    const scheduleAt = input.scheduleAt ? new Date(input.scheduleAt) : null
    if (scheduleAt && Number.isNaN(scheduleAt.getTime())) throw new AppError('VALIDATION_FAILED', 'scheduleAt: is not a date', { errors: [{ field: 'scheduleAt', message: 'is not a date' }] })
    const accounts = await chosenAccounts(scope, input)
    const { story, existing } = await inScope(db, scope, async (trx) => ({
      story: await getForReview(trx, scope, storyId, { isForUpdate: false }),
      existing: await store.listStoryPublications(trx, scope, storyId),
    }))
    refuseUnsigned(story)
    refuseWithdrawnVersion(existing, accounts, story.versionNumber)
    const checks = await checkAccounts(scope, { storyId, versionNumber: story.versionNumber, accounts, input })
    return { scheduleAt, accounts, story, checks }
  }

  /** The check before sending (发布前检查): each account's problems and preview; nothing is written or sent. */
  async function preview(acting: Pick<PublishingActing, 'tenant'>, storyId: string, input: PublishInput) {
    const { checks } = await prepare(acting.tenant.scope, storyId, input)
    return { items: checks, canPublish: !checks.some(hasErrors) }
  }

  async function publish(acting: PublishingActing, storyId: string, input: PublishInput) {
    const scope = acting.tenant.scope
    const { scheduleAt, accounts, story, checks } = await prepare(scope, storyId, input)
    // A payload the adapter itself says is invalid is never queued; warnings go out as the preview showed.
    const refused = checks.filter(hasErrors)
    if (refused.length > 0) {
      const errors = refused.flatMap((c) => c.problems.filter((p) => p.severity === 'error').map((p) => ({ field: `${c.accountName}.${p.field}`, message: p.message })))
      throw new AppError('PUBLICATION_INVALID', errors.map((p) => `${p.field}：${p.message}`).join('；'), { errors, extra: { accounts: refused } })
    }
    const now = new Date()
    const runAt = scheduleAt && scheduleAt > now ? scheduleAt : now

    return inScope(db, scope, async (trx) => {
      // Lock the story's row and re-check: a sign-off may have been undone by an edit meanwhile.
      const locked = await getForReview(trx, scope, storyId)
      if (locked.state !== 'signed_off' || locked.versionNumber !== story.versionNumber) {
        throw new AppError('PUBLICATION_NOT_SIGNED_OFF', '稿件在发布前被修改，需要重新签发', { extra: { state: locked.state } })
      }
      const existing = await store.listStoryPublications(trx, scope, storyId, { isForUpdate: true })
      // Checked again under the lock: a withdrawal may have finished since the check above.
      refuseWithdrawnVersion(existing, accounts, story.versionNumber)
      const result: store.PublicationRow[] = []
      const correctionIds: string[] = []
      for (const account of accounts) {
        const overrides = overridesFor(input, account)
        const current = existing.find((p) => p.account_id === account.id)
        if (!current) {
          const row = await store.insertPublication(trx, scope, {
            storyId, accountId: account.id, channel: account.channel, versionNumber: story.versionNumber, versionHash: story.versionHash,
            overrides: overrides as Record<string, unknown>, scheduledAt: scheduleAt, createdBy: acting.actorId,
          })
          await store.enqueueJob(trx, scope, { publicationId: row.id, action: 'publish', versionNumber: story.versionNumber, idempotencyKey: jobKey(row, story.versionNumber, 'publish'), runAt })
          await appendAudit(trx, withContext(acting.audit, { action: 'publication.requested', targetType: 'publication', targetId: row.id, details: { storyId, accountId: account.id, channel: account.channel, versionNumber: story.versionNumber, scheduleAt: scheduleAt?.toISOString() ?? null } }))
          result.push(row)
          continue
        }
        if (current.status === 'live' && (current.live_version_number ?? 0) < story.versionNumber) {
          correctionIds.push(account.id)
          result.push(current)
          continue
        }
        if (current.status === 'failed' || current.status === 'withdrawn') {
          // Sending again: the same idempotency key is re-armed, so the platform sees one key per version.
          const row = await store.updatePublication(trx, scope, current.id, {
            status: 'queued', versionNumber: story.versionNumber, versionHash: story.versionHash, error: null, overrides: overrides as Record<string, unknown>,
            scheduledAt: scheduleAt, withdrawnAt: null, withdrawalReason: null, withdrawalOutcome: null, ...(current.status === 'withdrawn' ? { url: null, remote: {}, liveVersionNumber: null } : {}),
          })
          await store.enqueueJob(trx, scope, { publicationId: row.id, action: 'publish', versionNumber: story.versionNumber, idempotencyKey: jobKey(row, story.versionNumber, 'publish'), runAt })
          await appendAudit(trx, withContext(acting.audit, { action: 'publication.requested', targetType: 'publication', targetId: row.id, details: { storyId, accountId: account.id, channel: account.channel, versionNumber: story.versionNumber, isRetry: true } }))
          result.push(row)
          continue
        }
        // Already queued, on its way or live at this version: the same request again changes nothing.
        result.push(current)
      }
      if (correctionIds.length > 0) {
        const corrected = await enqueueCorrections(trx, scope, { storyId, versionNumber: story.versionNumber, versionHash: story.versionHash, note: input.correctionNote?.trim() || DEFAULT_CORRECTION(story.versionNumber), accountIds: correctionIds })
        for (const row of corrected) {
          await appendAudit(trx, withContext(acting.audit, { action: 'publication.correction_requested', targetType: 'publication', targetId: row.id, details: { storyId, fromVersion: row.live_version_number, toVersion: story.versionNumber } }))
        }
      }
      const fresh = await store.listStoryPublicationViews(trx, scope, storyId)
      return result.map((r) => fresh.find((f) => f.id === r.id)!)
    })
  }

  /**
   * Withdrawal (撤稿) of a story from every channel it went to: pending sends are cancelled, the
   * live ones get a withdraw job (channels that cannot withdraw are recorded as such by the
   * runner), and `story.withdrawn` is announced, all in one transaction with the audit entry.
   */
  async function withdraw(acting: PublishingActing, storyId: string, { reason }: { reason: string }) {
    const scope = acting.tenant.scope
    const text = reason.trim()
    if (text.length < 2) throw new AppError('VALIDATION_FAILED', 'reason: is required', { errors: [{ field: 'reason', message: '请填写撤稿原因' }] })
    return inScope(db, scope, async (trx) => {
      await getForReview(trx, scope, storyId)
      const rows = await store.listStoryPublications(trx, scope, storyId, { isForUpdate: true })
      const open = rows.filter((r) => r.status !== 'withdrawn')
      if (open.length === 0) throw new AppError('PUBLICATION_NOTHING_TO_WITHDRAW', '这篇稿件没有可撤回的发布')
      const now = new Date()
      for (const row of open) {
        await store.cancelJobs(trx, scope, row.id, ['publish', 'update', 'poll'])
        const hasReachedChannel = row.status === 'live' || row.status === 'awaiting_platform' || row.status === 'sending' || row.live_version_number !== null
        if (!hasReachedChannel) {
          await store.updatePublication(trx, scope, row.id, { status: 'withdrawn', withdrawnAt: now, withdrawalReason: text, withdrawalOutcome: 'not_sent', error: null })
          continue
        }
        await store.updatePublication(trx, scope, row.id, { withdrawalReason: text })
        await store.enqueueJob(trx, scope, { publicationId: row.id, action: 'withdraw', versionNumber: row.version_number, idempotencyKey: jobKey(row, row.version_number, `withdraw:${now.getTime()}`), runAt: now, payload: { reason: text } })
      }
      await emitEvent(trx, { type: 'story.withdrawn', tenantId: scope.tenantId, payload: { storyId, reason: text, publications: open.map((r) => r.id), by: acting.actorId } })
      await appendAudit(trx, withContext(acting.audit, { action: 'story.withdrawn', targetType: 'story', targetId: storyId, details: { reason: text, publications: open.length } }))
      return store.listStoryPublicationViews(trx, scope, storyId)
    })
  }

  /** Correction (更正) of every live publication to the story's current signed-off version. */
  async function correct(acting: PublishingActing, storyId: string, { note }: { note?: string }) {
    const scope = acting.tenant.scope
    return inScope(db, scope, async (trx) => {
      const story = await getForReview(trx, scope, storyId)
      if (story.state !== 'signed_off') throw new AppError('PUBLICATION_NOT_SIGNED_OFF', '更正的新版本需要先审核签发')
      const corrected = await enqueueCorrections(trx, scope, { storyId, versionNumber: story.versionNumber, versionHash: story.versionHash, note: note?.trim() || DEFAULT_CORRECTION(story.versionNumber) })
      await appendAudit(trx, withContext(acting.audit, { action: 'publication.correction_requested', targetType: 'story', targetId: storyId, details: { versionNumber: story.versionNumber, publications: corrected.length } }))
      return store.listStoryPublicationViews(trx, scope, storyId)
    })
  }

  async function listForStory(acting: Pick<PublishingActing, 'tenant'>, storyId: string) {
    const scope = acting.tenant.scope
    return inScope(db, scope, async (trx) => {
      await getForReview(trx, scope, storyId, { isForUpdate: false })
      return store.listStoryPublicationViews(trx, scope, storyId)
    })
  }

  async function schedule(acting: Pick<PublishingActing, 'tenant'>, { from, to }: { from: string; to: string }) {
    const start = new Date(from)
    const end = new Date(to)
    if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || end <= start) {
      throw new AppError('VALIDATION_FAILED', 'from/to: not a valid range', { errors: [{ field: 'to', message: 'must be a date after from' }] })
    }
    if (end.getTime() - start.getTime() > 92 * 86_400_000) throw new AppError('VALIDATION_FAILED', 'to: the range is at most 92 days', { errors: [{ field: 'to', message: 'the range is at most 92 days' }] })
    return inScope(db, acting.tenant.scope, (trx) => store.listSchedule(trx, acting.tenant.scope, { from: start, to: end, limit: 2000 }))
  }

  /**
   * The tenant-wide board, newest change first, narrowed by status, channel, account and the
   * time the publication was asked for (`from`/`to`: a date alone is a whole Asia/Shanghai day).
   */
  async function board(acting: Pick<PublishingActing, 'tenant'>, { limit = 50, cursor, from, to, ...filter }: BoardQuery) {
    const key = decodeCursor(cursor)
    if (cursor && (!key || typeof key[0] !== 'string' || typeof key[1] !== 'string' || Number.isNaN(Date.parse(key[0])))) {
      throw new AppError('VALIDATION_FAILED', 'cursor: is not valid', { errors: [{ field: 'cursor', message: 'is not valid' }] })
    }
    const createdFrom = from ? parseInstant(from, 'from') : undefined
    const createdTo = to ? parseInstant(to, 'to') : undefined
    if (createdFrom && createdTo && createdTo <= createdFrom) {
      throw new AppError('VALIDATION_FAILED', 'to: must be after from', { errors: [{ field: 'querystring.to', message: 'must be after from' }] })
    }
    const rows = await inScope(db, acting.tenant.scope, (trx) => store.listBoard(trx, acting.tenant.scope, {
      ...filter, createdFrom, createdTo, limit: limit + 1, after: key ? { updatedAt: new Date(key[0] as string), id: key[1] as string } : undefined,
    }))
    const page = rows.slice(0, limit)
    const last = page[page.length - 1]
    return { items: page, nextCursor: rows.length > limit ? encodeCursor([new Date(last.updated_at).toISOString(), last.id]) : null }
  }

  /**
   * WeChat's PUBLISHJOBFINISH callback for one account: the signature is checked as WeChat
   * documents (sha1 of the sorted callback token, timestamp and nonce), then the publication with
   * that publish_id takes the outcome. Unknown publish ids are acknowledged and ignored.
   */
  async function wechatCallback({ accountId, query, body }: { accountId: string; query: { signature?: string; timestamp?: string; nonce?: string; echostr?: string }; body: string }) {
    const account = await inScope(db, systemScope, (trx) => store.findAccount(trx, systemScope, accountId))
    if (!account || account.channel !== 'wechat_oa') throw new AppError('NOT_FOUND')
    const token = openCredentials(secretBox, account).callbackToken
    const { signature = '', timestamp = '', nonce = '' } = query
    if (!token || !isWechatSignatureValid({ token, timestamp, nonce, signature })) throw new AppError('PUBLICATION_CALLBACK_INVALID')
    if (query.echostr !== undefined) return query.echostr
    const event = parsePublishJobFinish(body)
    if (!event) return 'success'
    const scope = tenantScope(account.tenant_id)
    const settled = await inScope(db, scope, async (trx) => {
      const row = await store.findByRemote(trx, scope, { channel: 'wechat_oa', key: 'publishId', value: event.publishId })
      if (!row || row.status !== 'awaiting_platform') return null
      const { publishOutcome } = await import('./channels/wechat.js')
      await applyOutcome(trx, scope, { row, outcome: publishOutcome(event.answer, row.remote as Record<string, unknown>), via: 'callback' })
      return row.id
    })
    if (settled) await syncCoverUse(db, scope, settled)
    return 'success'
  }

  return { preview, publish, withdraw, correct, listForStory, schedule, board, wechatCallback }
}

export type PublishingService = ReturnType<typeof createPublishingService>

export { builtChannels }
