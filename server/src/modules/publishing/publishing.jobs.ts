import type { Database } from '../../db/database.js'
import { inScope, systemScope, tenantScope, type TenantScope, type Tx } from '../../db/scope.js'
import { appendAudit } from '../../kernel/audit.js'
import { emitEvent } from '../../kernel/events.js'
import type { SecretBox } from '../../kernel/secrets.js'
import { ChannelError, type Channel, type ChannelContext, type ChannelStory, type SendResult } from './channels/channel.js'
import type { BuiltChannel } from './channels/index.js'
import { assetRuntime } from '../assets/assets.runtime.js'
import { createSharingService } from '../assets/assets.sharing.js'
import { getVersion } from '../stories/stories.service.js'
import { channelAccount, tokenStore } from './publishing.accounts.js'
import { channelStory, correctionNotice } from './publishing.story.js'
import * as store from './publishing.store.js'

/**
 * The publishing queue's runner. Jobs live in `publication_jobs` and are claimed with
 * FOR UPDATE SKIP LOCKED under a lease (an own table rather than pg-boss: the outbox already
 * works this way on both drivers, the job must share a transaction with the publication it
 * changes, and the idempotency key is a unique column). A claimed job:
 *  1. prepares in a short transaction (the publication is still at this version, the account is
 *     active, the per-account rate limit has room) and marks the publication `sending`;
 *  2. calls the platform with no transaction open (local channels, website and rss, instead run
 *     inside one transaction with step 3, so they are exactly-once);
 *  3. records the outcome with its audit entry and event in one transaction.
 * A worker killed between 1 and 3 leaves the job `running` with a lease; once the lease ends
 * another worker takes it again with the same idempotency key, which webhook receivers use to
 * apply a delivery once, and multi-step adapters resume after their last recorded step.
 */

export interface RunnerDeps {
  db: Database
  secretBox: SecretBox
  /** The public site's absolute address (config.publicUrl): the links a story carries to outside platforms. */
  publicUrl: string
  channels: Record<BuiltChannel, Channel>
  fetchImpl?: typeof fetch
  /** How long a claimed job is a worker's before another may take it (covers the slowest call). */
  leaseMs?: number
  maxAttempts?: number
  pollMs?: number
  now?: () => Date
}

const BASE_BACKOFF_MS = 5_000
const MAX_BACKOFF_MS = 30 * 60_000

/** Backoff before attempt `attempts + 1`: 5 s, 10 s, 20 s … up to 30 minutes. */
export function backoffMs(attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** Math.max(0, attempts - 1))
}

const SYSTEM_ACTOR = '发布队列'

async function audit(trx: Tx, scope: TenantScope, row: store.PublicationRow, action: string, outcome: 'success' | 'failure', details: Record<string, unknown>) {
  await appendAudit(trx, {
    action, outcome, tenantId: scope.tenantId, actorName: SYSTEM_ACTOR, targetType: 'publication', targetId: row.id,
    details: { storyId: row.story_id, accountId: row.account_id, channel: row.channel, ...details },
  })
}

/**
 * Applies a platform's final or intermediate answer for an awaiting publication (from polling or
 * from a callback) in the caller's transaction.
 */
export async function applyOutcome(trx: Tx, scope: TenantScope, { row, outcome, via }: {
  row: store.PublicationRow; outcome: SendResult | { status: 'failed'; error: ChannelError }; via: 'poll' | 'callback'
}): Promise<void> {
  if (outcome.status === 'awaiting_platform') return
  const remote = row.remote as Record<string, unknown>
  if (outcome.status === 'failed') {
    await store.updatePublication(trx, scope, row.id, { status: 'failed', error: { code: outcome.error.code, message: outcome.error.message, hint: outcome.error.hint } })
    await emitEvent(trx, { type: 'publication.failed', tenantId: scope.tenantId, payload: { publicationId: row.id, storyId: row.story_id, accountId: row.account_id, code: outcome.error.code, message: outcome.error.message } })
    await audit(trx, scope, row, 'publication.failed', 'failure', { via, code: outcome.error.code, message: outcome.error.message })
    return
  }
  const isNotice = remote.pendingNotice === true
  const now = new Date()
  if (isNotice) {
    // A correction notice went live: the original stays where it was; the notice is recorded apart,
    // so the original's article id (what a withdrawal removes) is not replaced by the notice's.
    const corrections = [...row.corrections, { versionNumber: row.version_number, mode: 'notice', at: now.toISOString(), url: outcome.url }]
    await store.updatePublication(trx, scope, row.id, { status: 'live', liveVersionNumber: row.version_number, corrections, remote: { ...remote, pendingNotice: false, noticeRemote: outcome.remote }, error: null })
  } else {
    await store.updatePublication(trx, scope, row.id, { status: 'live', url: outcome.url, remote: { ...remote, ...outcome.remote }, liveVersionNumber: row.version_number, liveAt: row.live_at ?? now, error: null })
  }
  await emitEvent(trx, { type: 'publication.live', tenantId: scope.tenantId, payload: { publicationId: row.id, storyId: row.story_id, accountId: row.account_id, channel: row.channel, url: outcome.url, versionNumber: row.version_number, isCorrectionNotice: isNotice } })
  await audit(trx, scope, row, 'publication.live', 'success', { via, url: outcome.url, versionNumber: row.version_number })
}

interface Prepared {
  row: store.PublicationRow
  channel: Channel
  ctx: ChannelContext
  story: ChannelStory | null
}

/** Runs up to `limit` due jobs; returns how many were handled. */
export async function runDueJobs(deps: RunnerDeps, { limit = 10 } = {}): Promise<number> {
  const now = (deps.now ?? (() => new Date()))()
  const jobs = await inScope(deps.db, systemScope, (trx) => store.claimJobs(trx, systemScope, { now, leaseMs: deps.leaseMs ?? 5 * 60_000, limit }))
  for (const job of jobs) await runJob(deps, job)
  return jobs.length
}

function asChannelError(error: unknown): ChannelError {
  return error instanceof ChannelError ? error
    : new ChannelError({ code: 'INTERNAL', message: String((error as Error)?.message ?? error).slice(0, 500), hint: '系统内部错误，系统会自动重试；如持续失败请联系管理员', isRetryable: true })
}

/**
 * Keeps the media library's usage in step with a publication (outside any transaction: the assets
 * service opens its own): a live publication uses its version's cover, a withdrawn one no longer.
 */
export async function syncCoverUse(db: Database, scope: TenantScope, publicationId: string): Promise<void> {
  try {
    const row = await inScope(db, scope, (trx) => store.findPublication(trx, scope, publicationId))
    if (!row || (row.status !== 'live' && row.status !== 'withdrawn')) return
    const versionNumber = row.live_version_number ?? row.version_number
    const version = await inScope(db, scope, (trx) => getVersion(trx, scope, row.story_id, versionNumber))
    const assetId = version.content.coverAssetId
    if (!assetId) return
    const sharing = createSharingService(assetRuntime(db))
    if (row.status === 'live') await sharing.recordUse({ scope, assetId, refType: 'publication', refId: row.id, isLive: true })
    else await sharing.releaseUse({ scope, assetId, refType: 'publication', refId: row.id })
  } catch {
    // Usage is bookkeeping for licence warnings: it must never undo or repeat a send.
  }
}

async function runJob(deps: RunnerDeps, job: store.JobRow): Promise<void> {
  await sendJob(deps, job)
  await syncCoverUse(deps.db, tenantScope(job.tenant_id), job.publication_id)
}

async function sendJob(deps: RunnerDeps, job: store.JobRow): Promise<string | null> {
  const { db } = deps
  const scope = tenantScope(job.tenant_id)
  const now = (deps.now ?? (() => new Date()))()
  const maxAttempts = deps.maxAttempts ?? 8
  const payload = job.payload as { note?: string; reason?: string }

  let story: ChannelStory | null = null

  // Where a send keeps its finished steps: a publish on the publication's remote (those ids are the
  // publication's); a correction notice apart, under `noticeProgress` keyed by its job, so the
  // original's ids stay in place and an older notice's steps are never resumed.
  const progressOf = (row: store.PublicationRow): Record<string, unknown> | undefined => {
    const remote = row.remote as Record<string, unknown>
    if (job.action === 'publish') return remote
    const notice = remote.noticeProgress as Record<string, unknown> | undefined
    return job.action === 'update' && notice?.key === job.idempotency_key ? { ...notice, key: undefined } : undefined
  }
  const progressChange = (row: store.PublicationRow, progress: Record<string, unknown>): Record<string, unknown> =>
    job.action === 'update' ? { noticeProgress: { ...progressOf(row), ...progress, key: job.idempotency_key } } : progress

  const prepare = async (trx: Tx): Promise<Prepared | null> => {
    const row = await store.findPublication(trx, scope, job.publication_id, { isForUpdate: true })
    const stop = async (state: 'done' | 'cancelled', why: string) => { await store.finishJob(trx, scope, job.id, { state, error: why }); return null }
    if (!row) return stop('cancelled', 'publication gone')
    if ((job.action === 'publish' || job.action === 'update') && row.version_number !== job.version_number) return stop('cancelled', 'a newer version superseded this job')
    if (job.action === 'poll' && row.status !== 'awaiting_platform') return stop('done', 'already settled')
    if (job.action === 'publish' && row.status === 'live' && row.live_version_number === job.version_number) return stop('done', 'already live')
    const account = await store.findAccount(trx, scope, row.account_id)
    const channel = account ? deps.channels[account.channel as BuiltChannel] : undefined
    if (!account || !channel || (account.status !== 'active' && job.action !== 'withdraw')) {
      const error = new ChannelError({ code: 'ACCOUNT_UNAVAILABLE', message: account ? `账号“${account.name}”${account.status === 'needs_reauth' ? '需要重新授权' : '已停用'}` : '账号已删除', hint: '请在账号管理中处理后重新发布' })
      await fail(trx, row, error)
      return null
    }
    if (job.action !== 'poll') {
      const windowStart = new Date(Math.floor(now.getTime() / 60_000) * 60_000)
      if (!(await store.takeSendSlot(trx, scope, { accountId: account.id, tenantId: account.tenant_id, windowStart, limit: account.rate_limit_per_minute }))) {
        await store.deferJob(trx, scope, job.id, new Date(windowStart.getTime() + 60_000))
        return null
      }
    }
    const sending = job.action === 'publish' || job.action === 'update' ? await store.updatePublication(trx, scope, row.id, { status: 'sending' }) : row
    return {
      row: sending, channel, story,
      ctx: {
        account: channelAccount(deps.secretBox, account), idempotencyKey: job.idempotency_key, tokens: tokenStore(db, deps.secretBox, scope, account.id),
        fetch: deps.fetchImpl ?? fetch, now, resume: job.action === 'publish' ? row.remote as Record<string, unknown> : undefined,
        checkpoint: async (progress) => {
          // Its own transaction: the platform call that follows must find it committed.
          const change = progressChange(row, progress)
          await inScope(db, scope, (tx) => store.mergePublicationRemote(tx, scope, row.id, change))
          if (change.noticeProgress) row.remote = { ...(row.remote as Record<string, unknown>), noticeProgress: change.noticeProgress }
        },
      },
    }
  }

  // A job that will not succeed: the publication shows the platform's words and what to do.
  const fail = async (trx: Tx, row: store.PublicationRow, error: ChannelError) => {
    await store.finishJob(trx, scope, job.id, { state: 'failed', error: error.message.slice(0, 1000) })
    const problem = { code: error.code, message: error.message, hint: error.hint }
    if (error.needsReauth) await store.updateAccount(trx, scope, row.account_id, { status: 'needs_reauth' })
    const remote = error.remote ? { ...(row.remote as Record<string, unknown>), ...progressChange(row, error.remote) } : undefined
    if (job.action === 'withdraw') {
      await store.updatePublication(trx, scope, row.id, { withdrawalOutcome: 'not_possible', error: problem })
      await audit(trx, scope, row, 'publication.withdraw_failed', 'failure', { code: error.code, message: error.message })
      return
    }
    // A failed correction leaves the earlier version live: say so rather than pretend it is gone.
    const status = job.action === 'update' || (job.action === 'poll' && row.live_version_number !== null) ? 'live' : 'failed'
    await store.updatePublication(trx, scope, row.id, { status, error: problem, remote })
    await emitEvent(trx, { type: 'publication.failed', tenantId: scope.tenantId, payload: { publicationId: row.id, storyId: row.story_id, accountId: row.account_id, action: job.action, code: error.code, message: error.message } })
    await audit(trx, scope, row, 'publication.failed', 'failure', { action: job.action, code: error.code, message: error.message, attempts: job.attempts })
  }

  const retryOrFail = async (trx: Tx, row: store.PublicationRow, error: ChannelError) => {
    if (error.isRetryable && job.attempts < maxAttempts) {
      const delay = Math.max(error.retryAfterMs ?? 0, backoffMs(job.attempts))
      await store.finishJob(trx, scope, job.id, { state: 'pending', error: error.message.slice(0, 1000), runAt: new Date(now.getTime() + delay) })
      const remote = error.remote ? { ...(row.remote as Record<string, unknown>), ...progressChange(row, error.remote) } : undefined
      if (job.action === 'publish') await store.updatePublication(trx, scope, row.id, { status: 'queued', remote, error: { code: error.code, message: error.message, hint: `${error.hint}（第 ${job.attempts} 次尝试失败，稍后自动重试）` } })
      else if (job.action === 'update') await store.updatePublication(trx, scope, row.id, { status: 'live', remote })
      await audit(trx, scope, row, 'publication.attempt_failed', 'failure', { action: job.action, code: error.code, message: error.message, attempts: job.attempts, retryInMs: delay })
      return
    }
    await fail(trx, row, error)
  }

  const record = async (trx: Tx, row: store.PublicationRow, result: SendResult | 'removed' | 'hidden' | { status: 'failed'; error: ChannelError }, extra: { isNotice?: boolean } = {}) => {
    if (result === 'removed' || result === 'hidden') {
      const updated = await store.updatePublication(trx, scope, row.id, { status: 'withdrawn', withdrawnAt: now, withdrawalOutcome: result, error: null })
      await store.finishJob(trx, scope, job.id, { state: 'done' })
      await audit(trx, scope, updated, 'publication.withdrawn', 'success', { outcome: result, reason: updated.withdrawal_reason })
      return
    }
    if (job.action === 'poll') {
      if (result.status === 'awaiting_platform') {
        await store.finishJob(trx, scope, job.id, { state: 'pending', runAt: new Date(now.getTime() + (deps.pollMs ?? 30_000)) })
        return
      }
      await store.finishJob(trx, scope, job.id, { state: 'done' })
      await applyOutcome(trx, scope, { row, outcome: result, via: 'poll' })
      return
    }
    if (result.status === 'failed') { await fail(trx, row, result.error); return }
    await store.finishJob(trx, scope, job.id, { state: 'done' })
    await audit(trx, scope, row, 'publication.sent', 'success', { action: job.action, versionNumber: job.version_number, isCorrectionNotice: Boolean(extra.isNotice), idempotencyKey: job.idempotency_key })
    if (result.status === 'awaiting_platform') {
      const remote = { ...(row.remote as Record<string, unknown>), ...result.remote, pendingNotice: Boolean(extra.isNotice) }
      await store.updatePublication(trx, scope, row.id, { status: 'awaiting_platform', remote, error: null })
      await store.enqueueJob(trx, scope, { publicationId: row.id, action: 'poll', versionNumber: job.version_number, idempotencyKey: `${job.idempotency_key}:poll`, runAt: new Date(now.getTime() + (deps.pollMs ?? 30_000)) })
      return
    }
    if (job.action === 'update') {
      const corrections = [...row.corrections, { versionNumber: job.version_number, mode: extra.isNotice ? 'notice' : 'updated', at: now.toISOString(), url: result.url }]
      const updated = await store.updatePublication(trx, scope, row.id, {
        status: 'live', liveVersionNumber: job.version_number, corrections, error: null,
        ...(extra.isNotice ? { remote: { ...(row.remote as Record<string, unknown>), noticeRemote: result.remote } } : { url: result.url ?? row.url, remote: { ...(row.remote as Record<string, unknown>), ...result.remote } }),
      })
      await emitEvent(trx, { type: 'publication.live', tenantId: scope.tenantId, payload: { publicationId: row.id, storyId: row.story_id, accountId: row.account_id, channel: row.channel, url: updated.url, versionNumber: job.version_number, isCorrection: true } })
      return
    }
    await applyOutcome(trx, scope, { row, outcome: result, via: 'poll' })
  }

  const send = async (p: Prepared): Promise<[SendResult | 'removed' | 'hidden' | { status: 'failed'; error: ChannelError }, { isNotice?: boolean }]> => {
    const { channel, ctx, story, row } = p
    const remote = row.remote as Record<string, unknown>
    switch (job.action) {
      case 'publish': return [await channel.publish(ctx, story!), {}]
      case 'update':
        if (channel.capabilities.canUpdate && channel.update) return [await channel.update(ctx, story!, remote), {}]
        return [await channel.publish({ ...ctx, resume: progressOf(row) }, correctionNotice(story!, payload.note ?? '')), { isNotice: true }]
      case 'withdraw':
        if (!channel.capabilities.canWithdraw || !channel.withdraw) {
          throw new ChannelError({ code: 'WITHDRAW_UNSUPPORTED', message: '该渠道不支持通过接口撤回', hint: '请登录该平台手动删除' })
        }
        return [await channel.withdraw(ctx, { storyId: row.story_id, remote, reason: payload.reason ?? row.withdrawal_reason ?? '' }), {}]
      case 'poll':
        if (!channel.status) return [{ status: 'live', url: row.url, remote: {} }, {}]
        return [await channel.status(ctx, remote), {}]
    }
  }


  // The story version is immutable, so it is read before the job's transactions (see channelStory).
  const correction = job.action === 'update' ? { at: now, note: payload.note ?? '' } : null
  const head = await inScope(db, scope, (trx) => store.findPublication(trx, scope, job.publication_id))
  if (head && (job.action === 'publish' || job.action === 'update')) {
    try {
      story = await channelStory(db, scope, { publication: head, versionNumber: job.version_number, correction, publicUrl: deps.publicUrl })
    } catch (error) {
      await inScope(db, scope, async (trx) => {
        const row = await store.findPublication(trx, scope, job.publication_id, { isForUpdate: true })
        if (row) await retryOrFail(trx, row, asChannelError(error))
      })
      return null
    }
  }

  const isLocal = async () => inScope(db, scope, async (trx) => {
    const row = await store.findPublication(trx, scope, job.publication_id)
    return row ? Boolean(deps.channels[row.channel as BuiltChannel]?.capabilities.isLocal) : false
  })

  if (await isLocal()) {
    // Website and rss: prepare, write the site and record the outcome in one transaction.
    try {
      await inScope(db, scope, async (trx) => {
        const prepared = await prepare(trx)
        if (!prepared) return
        const [result, extra] = await send({ ...prepared, ctx: { ...prepared.ctx, trx, checkpoint: undefined } })
        await record(trx, prepared.row, result, extra)
      })
    } catch (error) {
      await inScope(db, scope, async (trx) => {
        const row = await store.findPublication(trx, scope, job.publication_id, { isForUpdate: true })
        if (row) await retryOrFail(trx, row, asChannelError(error))
      })
    }
    return story?.cover?.assetId ?? null
  }

  const prepared = await inScope(db, scope, prepare)
  if (!prepared) return null
  let outcome: Awaited<ReturnType<typeof send>> | null = null
  let failure: ChannelError | null = null
  try {
    outcome = await send(prepared)
  } catch (error) {
    failure = asChannelError(error)
  }
  await inScope(db, scope, async (trx) => {
    const row = await store.findPublication(trx, scope, job.publication_id, { isForUpdate: true })
    if (!row) return
    if (failure) await retryOrFail(trx, row, failure)
    else await record(trx, row, outcome![0], outcome![1])
  })
  return story?.cover?.assetId ?? null
}
