import fs from 'node:fs'
import path from 'node:path'
import { Transform, type Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { inScope } from '../../db/scope.js'
import { AppError } from '../../kernel/errors.js'
import type { AssetRuntime } from './assets.runtime.js'
import type { Acting, AssetMeta, AssetsService } from './assets.service.js'
import { hashFile, tooLarge } from './ingest.js'
import * as store from './sharing.store.js'

/** How long an unfinished upload may wait for its next chunk. */
const UPLOAD_TTL_MS = 24 * 60 * 60_000
/** Largest chunk one PUT may carry. */
export const MAX_CHUNK_BYTES = 64 * 1024 * 1024

/**
 * Resumable uploads (see docs/assets.md): create a session with the total size, PUT chunks
 * each saying the offset it starts at (`Upload-Offset`), ask for the offset after a broken
 * connection, then complete: the assembled file goes through the same inspection as a
 * one-request upload. Chunks are written at their offset, so a repeated chunk is harmless.
 */
export function createUploadsService(rt: AssetRuntime, assets: AssetsService) {
  const { db, config } = rt
  const partFile = (id: string) => path.join(rt.tmpDir, 'uploads', `${id}.part`)
  const missing = () => new AppError('UPLOAD_NOT_FOUND')
  const view = (row: store.UploadRow) => ({
    id: row.id, filename: row.filename, size: Number(row.size), offset: Number(row.received),
    expiresAt: new Date(row.expires_at).toISOString(), maxChunkBytes: MAX_CHUNK_BYTES,
  })

  async function create(acting: Acting, input: { filename: string; size: number; mimeType?: string; meta: AssetMeta }) {
    const largest = Math.max(...Object.values(await assets.limits(acting.tenant.scope)))
    if (input.size > largest) throw tooLarge(largest)
    const scope = acting.tenant.scope
    const row = await inScope(db, scope, (trx) => store.insertUpload(trx, scope, {
      created_by: acting.userId, filename: input.filename, declared_type: input.mimeType ?? '', size: input.size,
      metadata: JSON.stringify(input.meta), expires_at: new Date(Date.now() + UPLOAD_TTL_MS),
    }))
    await fs.promises.mkdir(path.dirname(partFile(row.id)), { recursive: true })
    await fs.promises.writeFile(partFile(row.id), '')
    return view(row)
  }

  async function status(acting: Acting, id: string) {
    const scope = acting.tenant.scope
    const row = await inScope(db, scope, (trx) => store.findUpload(trx, scope, { id, userId: acting.userId }))
    if (!row) throw missing()
    return view(row)
  }

  /** Writes one chunk at `offset`; it must start where the upload stands (or repeat the last one). */
  async function append(acting: Acting, id: string, { offset, body }: { offset: number; body: Readable }) {
    const scope = acting.tenant.scope
    const row = await inScope(db, scope, (trx) => store.findUpload(trx, scope, { id, userId: acting.userId }))
    if (!row) throw missing()
    const received = Number(row.received)
    const size = Number(row.size)
    if (offset !== received) {
      body.resume()
      throw new AppError('UPLOAD_OFFSET_MISMATCH', `the upload stands at ${received}, not ${offset}`, { extra: { offset: received } })
    }
    let written = 0
    const bound = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        written += chunk.length
        if (offset + written > size) return done(new AppError('VALIDATION_FAILED', 'the chunk goes past the declared size', { errors: [{ field: 'body', message: `upload is ${size} bytes` }] }))
        done(null, chunk)
      },
    })
    await pipeline(body, bound, fs.createWriteStream(partFile(id), { flags: 'r+', start: offset }))
    const now = await inScope(db, scope, async (trx) => {
      const locked = await store.findUpload(trx, scope, { id, userId: acting.userId, isLocked: true })
      if (!locked) throw missing()
      // Another request moved the upload on meanwhile: keep the furthest point.
      const next = Math.max(Number(locked.received), offset + written)
      await store.setUploadReceived(trx, scope, id, next)
      return { ...locked, received: String(next) }
    })
    return view(now)
  }

  /** Turns a fully received upload into an asset (inspection, dedupe, derivatives as usual). */
  async function complete(acting: Acting, id: string) {
    const scope = acting.tenant.scope
    const row = await inScope(db, scope, (trx) => store.findUpload(trx, scope, { id, userId: acting.userId }))
    if (!row) throw missing()
    if (Number(row.received) !== Number(row.size)) {
      throw new AppError('UPLOAD_INCOMPLETE', `${row.received} of ${row.size} bytes received`, { extra: { offset: Number(row.received) } })
    }
    const { sha256, size } = await hashFile(partFile(id))
    await inScope(db, scope, (trx) => store.deleteUpload(trx, scope, id))
    return assets.ingest(acting, {
      received: { filePath: partFile(id), size, sha256 }, filename: row.filename, declaredType: row.declared_type,
      meta: row.metadata as AssetMeta,
    })
  }

  async function abort(acting: Acting, id: string): Promise<void> {
    const scope = acting.tenant.scope
    await inScope(db, scope, async (trx) => {
      if (!(await store.findUpload(trx, scope, { id, userId: acting.userId }))) throw missing()
      await store.deleteUpload(trx, scope, id)
    })
    await fs.promises.rm(partFile(id), { force: true })
  }

  return { create, status, append, complete, abort, maxBytes: config.assetMaxBytes }
}

export type UploadsService = ReturnType<typeof createUploadsService>
