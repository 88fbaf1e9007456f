import fs from 'node:fs'
import { pipeline } from 'node:stream/promises'
import { inScope, systemScope, tenantScope } from '../../db/scope.js'
import { emitEvent, type DeliveredEvent, type EventContext } from '../../kernel/events.js'
import { assetRuntime, type AssetRuntime } from './assets.runtime.js'
import * as store from './assets.store.js'
import type { Rendition } from './assets.views.js'
import { makePictureDerivatives, makePosterDerivatives, undecodableReason, type Produced } from './derivatives.js'
import { tempFile } from './ingest.js'
import { hasFfmpeg, posterFrame, probe, waveform, webAudio, webVideo, type FfmpegPaths } from './media.js'
import { refreshShares, usageCounts } from './sharing.store.js'
import { derivativeKey, originalKey } from './storage/storage.js'

interface Outcome {
  status: 'ready' | 'failed' | 'unavailable'
  reason: string | null
  produced: Produced[]
  media: Record<string, unknown>
  facts: { width?: number | null; height?: number | null; duration_ms?: number | null }
}

async function videoOrAudio(rt: AssetRuntime, kind: 'video' | 'audio', input: string, tmpBase: string): Promise<Outcome> {
  const paths: FfmpegPaths = { ffmpeg: rt.config.ffmpegPath, ffprobe: rt.config.ffprobePath }
  if (!(await hasFfmpeg(paths))) return { status: 'unavailable', reason: 'ffmpeg not installed', produced: [], media: {}, facts: {} }
  const info = await probe(paths, input)
  const produced: Produced[] = []
  const media: Record<string, unknown> = {}
  if (kind === 'video' && info.hasVideo) {
    const frame = `${tmpBase}-frame.jpg`
    await posterFrame(paths, input, frame, info.durationMs)
    produced.push(...(await makePosterDerivatives({ input: frame, tmpBase, maxPixels: rt.config.assetMaxPixels })))
    await fs.promises.rm(frame, { force: true })
    produced.push(await webVideo(paths, input, `${tmpBase}-web.mp4`, info))
  }
  if (kind === 'audio' || !info.hasVideo) {
    produced.push(await webAudio(paths, input, `${tmpBase}-web.m4a`))
  }
  if (info.hasAudio && info.durationMs) media.waveform = { peaks: await waveform(paths, input, info.durationMs), buckets: 200 }
  return { status: 'ready', reason: null, produced, media, facts: { duration_ms: info.durationMs, width: info.width, height: info.height } }
}

/**
 * Makes (or remakes) an asset's derivatives: copies the original to a temp file, renders, stores
 * each rendition under its stable key, then records them. No transaction is held while working
 * (the embedded database has one connection). Failures are recorded on the asset, not retried
 * forever: a corrupt video stays corrupt.
 */
export async function processAsset(rt: AssetRuntime, { tenantId, assetId }: { tenantId: string; assetId: string }): Promise<void> {
  const scope = tenantScope(tenantId)
  const row = await inScope(rt.db, scope, (trx) => store.findAsset(trx, scope, assetId))
  if (!row) return
  const input = await tempFile(rt.tmpDir, '.original')
  const tmpBase = await tempFile(rt.tmpDir)
  let outcome: Outcome
  try {
    await pipeline(await rt.storage.read(originalKey(row.sha256)), fs.createWriteStream(input))
    const undecodable = row.kind === 'image' ? undecodableReason(row.mime_type) : null
    if (undecodable) {
      // The asset stays usable (original, metadata, search, covers need a rendition though): say why there is none.
      outcome = { status: 'unavailable', reason: undecodable, produced: [], media: {}, facts: {} }
    } else if (row.kind === 'image') {
      const produced = await makePictureDerivatives({ input, tmpBase, focal: { x: row.focal_x, y: row.focal_y }, maxPixels: rt.config.assetMaxPixels })
      outcome = { status: 'ready', reason: null, produced, media: {}, facts: {} }
    } else if (row.kind === 'video' || row.kind === 'audio') {
      outcome = await videoOrAudio(rt, row.kind, input, tmpBase)
    } else {
      outcome = { status: 'ready', reason: null, produced: [], media: {}, facts: {} }
    }
  } catch (error) {
    outcome = { status: 'failed', reason: String((error as Error).message ?? error).slice(0, 300), produced: [], media: {}, facts: {} }
  } finally {
    await fs.promises.rm(input, { force: true })
  }
  try {
    for (const p of outcome.produced) await rt.storage.putFile(derivativeKey(tenantId, assetId, p.file), p.path, { contentType: p.mimeType, isMove: true })
  } finally {
    for (const p of outcome.produced) await fs.promises.rm(p.path, { force: true })
  }
  const renditions: Rendition[] = outcome.produced.map(({ path: _path, ...r }) => r)
  const kept = new Set(renditions.map((r) => r.file))
  const stale = (row.renditions as unknown as Rendition[]).filter((r) => !kept.has(r.file))
  await inScope(rt.db, scope, async (trx) => {
    const current = await store.findAsset(trx, scope, assetId, { isLocked: true })
    if (!current) return
    const facts = Object.fromEntries(Object.entries(outcome.facts).filter(([, v]) => v !== null && v !== undefined))
    const updated = await store.updateAsset(trx, scope, assetId, {
      derivatives_status: outcome.status, derivatives_reason: outcome.reason, renditions: JSON.stringify(renditions),
      media: JSON.stringify({ ...(current.media as Record<string, unknown>), ...outcome.media }), ...facts,
    })
    await refreshShares(trx, scope, updated)
    await emitEvent(trx, { type: 'asset.derivatives_done', tenantId, payload: { assetId, status: outcome.status } })
  })
  for (const r of stale) await rt.storage.remove(derivativeKey(tenantId, assetId, r.file))
}

/** Grace before an unreferenced blob may go: longer than any upload takes between touch and insert. */
const BLOB_GRACE_MS = 60 * 60_000

/**
 * Purges an asset whose retention has ended: its row (uses and collection entries go with it),
 * its derivatives, and its original when no other asset row, in any tenant, refers to the blob.
 * @returns true when the asset was purged.
 */
export async function purgeAsset(rt: AssetRuntime, { tenantId, assetId, now = new Date() }: { tenantId: string; assetId: string; now?: Date }): Promise<boolean> {
  const scope = tenantScope(tenantId)
  const before = new Date(now.getTime() - rt.config.assetRetentionDays * 86_400_000)
  const purged = await inScope(rt.db, scope, async (trx) => {
    const row = await store.findAsset(trx, scope, assetId, { isDeletedIncluded: true, isLocked: true })
    if (!row || !row.deleted_at || new Date(row.deleted_at) > before) return null
    await store.hardDeleteAsset(trx, scope, assetId)
    return row
  })
  if (!purged) return false
  for (const r of purged.renditions as unknown as Rendition[]) await rt.storage.remove(derivativeKey(tenantId, assetId, r.file))
  // Other tenants' rows may share the blob: only the system scope sees them all.
  const keys = await inScope(rt.db, systemScope, (trx) => store.deleteOrphanBlobs(trx, systemScope, {
    sha256s: [purged.sha256], touchedBefore: new Date(now.getTime() - BLOB_GRACE_MS),
  }))
  for (const key of keys) await rt.storage.remove(key)
  return true
}

/** Purges every asset whose retention has ended (for operators and tests; events do it one by one). */
export async function purgeDue(rt: AssetRuntime, { now = new Date(), limit = 500 } = {}): Promise<number> {
  const before = new Date(now.getTime() - rt.config.assetRetentionDays * 86_400_000)
  const due = await inScope(rt.db, systemScope, (trx) => store.listPurgeable(trx, systemScope, { before, limit }))
  let count = 0
  for (const row of due) if (await purgeAsset(rt, { tenantId: row.tenant_id, assetId: row.id, now })) count++
  return count
}

/** When a licence is about to end on an asset in use, says so with `asset.licence_expiring`. */
export async function checkLicence(rt: AssetRuntime, { tenantId, assetId, expiresAt }: { tenantId: string; assetId: string; expiresAt: string }): Promise<boolean> {
  const scope = tenantScope(tenantId)
  return inScope(rt.db, scope, async (trx) => {
    const row = await store.findAsset(trx, scope, assetId)
    // A changed expiry scheduled a check of its own.
    if (!row?.licence_expires_at || new Date(row.licence_expires_at).toISOString() !== expiresAt) return false
    const usage = (await usageCounts(trx, scope, [assetId])).get(assetId)
    if (!usage || usage.count === 0) return false
    await emitEvent(trx, { type: 'asset.licence_expiring', tenantId, payload: { assetId, expiresAt, usage } })
    return true
  })
}

const ids = (event: DeliveredEvent) => ({ tenantId: event.tenantId!, assetId: String(event.payload.assetId) })

/** Event handlers of the media library (listed in modules/subscriptions.ts). */
export const assetHandlers = {
  derivatives: async (event: DeliveredEvent, { db }: EventContext) => processAsset(assetRuntime(db), ids(event)),
  purge: async (event: DeliveredEvent, { db }: EventContext) => { await purgeAsset(assetRuntime(db), ids(event)) },
  licence: async (event: DeliveredEvent, { db }: EventContext) => {
    await checkLicence(assetRuntime(db), { ...ids(event), expiresAt: String(event.payload.expiresAt) })
  },
}
