import fs from 'node:fs'
import type { Readable } from 'node:stream'
import multipart from '@fastify/multipart'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { fileTypeFromBuffer } from 'file-type'
import { sql } from 'kysely'
import { Type } from 'typebox'
import type { AppDeps } from '../../app.js'
import type { Database } from '../../db/database.js'
import { inScope, tenantScope, type TenantScope, type Tx } from '../../db/scope.js'
import type { TenantContext } from '../../kernel/access.js'
import { appendAudit, type AuditContext } from '../../kernel/audit.js'
import { AppError } from '../../kernel/errors.js'
import { emitEvent, type EventHandler } from '../../kernel/events.js'
import { problemResponses } from '../../kernel/openapi.js'
import { registerTicketAttachmentHooks, type AttachmentRef, type TicketAttachmentHooks } from '../tickets/attachments.js'
import type { CenterRow } from '../tickets/catalogue.store.js'
import { CenterParams } from '../tickets/public.schema.js'
import { TicketId } from '../tickets/tickets.schema.js'
import { actingOf as ticketActingOf } from '../tickets/tickets.http.js'
import { createIntakeService } from '../tickets/tickets.intake.js'
import { formLimits } from '../tickets/tickets.model.js'
import { createTicketQueries } from '../tickets/tickets.queries.js'
import { assetRuntime } from './assets.runtime.js'
import { createAssetsService, type Acting, type Uploading } from './assets.service.js'
import * as store from './assets.store.js'
import { renditionUrl, type Rendition } from './assets.views.js'
import { receive, type Received } from './ingest.js'
import { sendStored } from './assets.http.js'
import { originalKey } from './storage/storage.js'

/**
 * Pictures attached to citizens' messages and to replies, kept in the media library (the tickets
 * module keeps only references, see tickets/attachments.ts).
 *
 * - A citizen uploads each picture first (`POST /public/{center}/tickets/uploads`) and names the
 *   returned ids in the submit call; a handler does the same on `POST /tickets/{id}/uploads`.
 * - Only JPEG, PNG and WebP, told by their bytes (HEIC needs an HEVC decoder sharp does not ship;
 *   phones convert to JPEG when the form's `accept` leaves HEIC out). The media library's full
 *   inspection (pixel bombs, polyglots, truncation) runs on every upload as usual.
 * - A citizen's picture names no user: assets.upload_source 'citizen', uploaded_by null
 *   (0011_public_uploads.sql); its audit entry names the public (留言人) with the request's IP and id.
 * - The original (with its EXIF, GPS included) is for handlers only (`/api/v1/assets/{id}/original`);
 *   the public sees the library's renditions, which never carry metadata.
 * - An upload is claimed once: the claim locks the asset row and records the ticket in its
 *   metadata, so two submissions naming the same upload cannot both take it. Unclaimed citizens'
 *   uploads are deleted after UNCLAIMED_HOURS (event `asset.ticket_upload_expired`).
 */

/** Largest picture a citizen or handler may attach (stated by the form API as attachmentMaxBytes). */
export const TICKET_UPLOAD_MAX_BYTES = formLimits.attachmentMaxBytes
/** What content sniffing must report. */
export const TICKET_UPLOAD_TYPES: readonly string[] = formLimits.attachmentTypes
/** How long a citizen's upload waits for the submission that names it. */
export const UNCLAIMED_HOURS = 24
export const UPLOAD_EXPIRED_EVENT = 'asset.ticket_upload_expired'

/** The marker an upload carries in assets.metadata while it waits for, and after, its claim. */
interface UploadMarker {
  /** 'public': a citizen's upload for a center; 'staff': a handler's for one ticket. */
  by: 'public' | 'staff'
  centerId: string
  ticketId: string | null
  claimedBy: string | null
  claimedAt: string | null
}

const markerOf = (metadata: unknown): UploadMarker | null => {
  const m = (metadata as { ticketUpload?: UploadMarker } | null)?.ticketUpload
  return m && typeof m === 'object' && (m.by === 'public' || m.by === 'staff') ? m : null
}

function refused(field: string, message: string): AppError {
  return new AppError('TICKET_UPLOAD_INVALID', `${field}: ${message}`, { errors: [{ field, message }] })
}

/** The hooks the tickets module calls inside its intake and reply transactions. */
export const ticketAttachmentHooks: TicketAttachmentHooks = {
  async claim(trx: Tx, scope: TenantScope, { centerId, ticketId, replyId, uploadIds, field }): Promise<AttachmentRef[]> {
    if (new Set(uploadIds).size !== uploadIds.length) throw refused(field, 'names the same upload twice')
    // Locked in id order, so two claims over overlapping uploads cannot deadlock.
    const rows = await trx.selectFrom('assets').select(['id', 'tenant_id', 'kind', 'mime_type', 'metadata'])
      .where('id', 'in', [...uploadIds]).where('tenant_id', 'in', [...scope.tenantIds]).where('deleted_at', 'is', null)
      .orderBy('id').forUpdate().execute()
    const byId = new Map(rows.map((r) => [r.id, r]))
    const claimedAt = new Date().toISOString()
    for (const [index, id] of uploadIds.entries()) {
      const row = byId.get(id)
      const marker = row ? markerOf(row.metadata) : null
      const fits = marker && marker.centerId === centerId
        && (replyId === null ? marker.by === 'public' : marker.by === 'staff' && marker.ticketId === ticketId)
      if (!row || !marker || !fits) throw refused(field, `upload ${index + 1} (${id}) is unknown or has expired`)
      if (marker.claimedBy) throw refused(field, `upload ${index + 1} (${id}) is already attached to a message`)
      if (row.kind !== 'image' || !TICKET_UPLOAD_TYPES.includes(row.mime_type)) throw refused(field, `upload ${index + 1} (${id}) is not a JPEG, PNG or WebP picture`)
      const next: UploadMarker = { ...marker, claimedBy: ticketId, claimedAt }
      await trx.updateTable('assets').set({ metadata: sql`metadata || ${JSON.stringify({ ticketUpload: next })}::jsonb`, updated_at: new Date() })
        .where('id', '=', id).execute()
    }
    // Every picture has a stripped public copy (renditions carry no metadata).
    return uploadIds.map((assetId) => ({ assetId, isPublic: true }))
  },

  async describe(trx: Tx, _scope: TenantScope, { assetIds, isPublic }) {
    const found = new Map<string, { url: string; contentType: string }>()
    if (assetIds.length === 0) return found
    const rows = await trx.selectFrom('assets').select(['id', 'tenant_id', 'mime_type', 'renditions'])
      .where('id', 'in', [...assetIds]).where('deleted_at', 'is', null).execute()
    for (const row of rows) {
      if (!isPublic) {
        found.set(row.id, { url: `/api/v1/tickets/attachments/${row.id}`, contentType: row.mime_type })
        continue
      }
      // The web-size JPEG every browser reads; until the worker made it, the picture is not shown.
      const web = (row.renditions as unknown as Rendition[]).find((r) => r.name === 'web' && r.format === 'jpeg')
      if (web) found.set(row.id, { url: renditionUrl(row.tenant_id, row.id, web.file), contentType: web.mimeType })
    }
    return found
  },
}

/** The assets of a center and its units, for describing attachments on public pages. */
export async function centerWideScope(db: Database, centerId: string): Promise<TenantScope> {
  const units = await inScope(db, tenantScope(centerId), (trx) => trx.selectFrom('tenants').select('id')
    .where(sql<boolean>`${centerId}::uuid = any(path)`).execute())
  return tenantScope(centerId, units.map((u) => u.id))
}

// ---- receiving ------------------------------------------------------------------------------------

interface Picture { received: Received; filename: string; declaredType: string }

/** Streams one picture into a temp file, bounded by the attachment limit, and checks its bytes. */
async function receivePicture(tmpDir: string, source: Readable, filename: string, declaredType: string, field = 'file'): Promise<Picture> {
  const received = await receive(source, { tmpDir, maxBytes: TICKET_UPLOAD_MAX_BYTES, limitFor: () => TICKET_UPLOAD_MAX_BYTES })
  // The bytes decide, not the name or the declared type.
  const handle = await fs.promises.open(received.filePath, 'r')
  const head = Buffer.alloc(4100)
  const { bytesRead } = await handle.read(head, 0, head.length, 0).finally(() => handle.close())
  const type = await fileTypeFromBuffer(head.subarray(0, bytesRead)).catch(() => undefined)
  if (!type || !TICKET_UPLOAD_TYPES.includes(type.mime)) {
    await fs.promises.rm(received.filePath, { force: true })
    throw new AppError('ASSET_TYPE_UNSUPPORTED', `${field}: only JPEG, PNG or WebP pictures (this is ${type?.mime ?? 'not a picture'})`, {
      errors: [{ field, message: 'must be a JPEG, PNG or WebP picture' }], extra: { accepted: TICKET_UPLOAD_TYPES },
    })
  }
  return { received, filename, declaredType }
}

/** Reads the single `file` part of an upload request. */
async function receiveFilePart(request: FastifyRequest, tmpDir: string): Promise<Picture> {
  if (!request.isMultipart()) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'file: send the picture as multipart/form-data', { errors: [{ field: 'file', message: 'must be sent as multipart/form-data' }] })
  }
  let result: Picture | null = null
  try {
    for await (const part of request.parts()) {
      if (part.type !== 'file') continue
      if (part.fieldname !== 'file' || result) {
        part.file.resume()
        throw new AppError('VALIDATION_FAILED', `${part.fieldname}: send one picture, as \`file\``, { errors: [{ field: part.fieldname, message: 'is not expected (send one picture, as `file`)' }] })
      }
      result = await receivePicture(tmpDir, part.file, part.filename ?? '', part.mimetype ?? '')
    }
  } catch (error) {
    if (result) await fs.promises.rm(result.received.filePath, { force: true })
    throw error
  }
  if (!result) throw new AppError('VALIDATION_FAILED', 'file: is required', { errors: [{ field: 'file', message: 'is required' }] })
  return result
}

/** What an upload answers: the id to name in attachmentIds. */
export interface TicketUpload {
  id: string
  contentType: string
  size: number
  width: number | null
  height: number | null
  expiresAt: string | null
}

/**
 * Storing pictures for messages and replies; the public form page (tickets/tickets.site.ts) uses
 * `citizenPicture` for its no-JavaScript multipart post, the API routes below use both.
 */
export function createTicketUploads({ db, config }: Pick<AppDeps, 'db' | 'config'>) {
  const rt = assetRuntime(db, config)
  const assets = createAssetsService(rt)

  async function store1(acting: Uploading, picture: Picture, marker: UploadMarker): Promise<TicketUpload> {
    const view = await assets.ingest(acting, { ...picture, meta: { title: '留言附件', source: marker.by === 'public' ? '市民留言' : '留言答复' } })
    const expiresAt = marker.by === 'public' ? new Date(Date.now() + UNCLAIMED_HOURS * 3_600_000) : null
    await inScope(db, acting.tenant.scope, async (trx) => {
      await trx.updateTable('assets').set({ metadata: sql`metadata || ${JSON.stringify({ ticketUpload: marker })}::jsonb` }).where('id', '=', view.id).execute()
      if (expiresAt) await emitEvent(trx, { type: UPLOAD_EXPIRED_EVENT, tenantId: view.tenantId, payload: { assetId: view.id }, notBefore: expiresAt })
    })
    return { id: view.id, contentType: view.mimeType, size: view.size, width: view.width, height: view.height, expiresAt: expiresAt?.toISOString() ?? null }
  }

  /**
   * A citizen's picture for `center`: no account stands behind it (assets.upload_source 'citizen',
   * uploaded_by null); the audit names the public, with the request's IP and id, as the submission does.
   */
  async function citizenPicture(center: CenterRow, picture: Picture, audit: AuditContext): Promise<TicketUpload> {
    const tenant: TenantContext = {
      id: center.id, slug: center.slug, name: center.name, kind: 'center', path: center.path, permissions: new Set(), scope: tenantScope(center.id),
    }
    const acting: Uploading = { tenant, userId: null, audit: { ...audit, actorId: null, tenantId: center.id, actorName: '留言人' } }
    return store1(acting, picture, { by: 'public', centerId: center.id, ticketId: null, claimedBy: null, claimedAt: null })
  }

  /** A handler's picture for a reply on `ticket`, kept in the handler's own tenant. */
  async function staffPicture(acting: Acting, ticket: { id: string; tenant_id: string }, picture: Picture): Promise<TicketUpload> {
    return store1(acting, picture, { by: 'staff', centerId: ticket.tenant_id, ticketId: ticket.id, claimedBy: null, claimedAt: null })
  }

  /** Streams and checks one picture (a multipart part) into a temp file. */
  function receiveOne(source: Readable, filename: string, declaredType: string, field?: string): Promise<Picture> {
    return receivePicture(rt.tmpDir, source, filename, declaredType, field)
  }

  return { citizenPicture, staffPicture, receiveOne, receiveFilePart: (request: FastifyRequest) => receiveFilePart(request, rt.tmpDir) }
}

const UploadReply = Type.Object({
  id: Type.String({ format: 'uuid', description: '上传标识：提交留言或答复时放入 attachmentIds' }),
  contentType: Type.String(), size: Type.Integer(), width: Type.Union([Type.Integer(), Type.Null()]), height: Type.Union([Type.Integer(), Type.Null()]),
  expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
})
const AttachmentParams = Type.Object({ assetId: Type.String({ format: 'uuid' }) })
const UploadForm = Type.Object({ file: Type.String({ format: 'binary', description: 'JPEG、PNG 或 WebP 图片' }) })

/**
 * Registers the attachment hooks with the tickets module and the two upload routes. Called at
 * app build from the module list, the way the review module registers its hooks with stories.
 */
export async function ticketAttachmentRoutes(app: FastifyInstance, { db, config }: AppDeps): Promise<void> {
  registerTicketAttachmentHooks(ticketAttachmentHooks)
  const uploads = createTicketUploads({ db, config })
  const rt = assetRuntime(db, config)
  const intake = createIntakeService({ db })
  const queries = createTicketQueries({ db })
  // Uploads per IP: room for a full set of pictures per allowed submission.
  const uploadLimit = { max: config.publicRateLimitPerMinute * (formLimits.attachmentsMax + 1), timeWindow: '1 minute' }

  await app.register(multipart, {
    limits: { fileSize: TICKET_UPLOAD_MAX_BYTES + 1, files: 1, fields: 5, fieldSize: 1000, parts: 6, headerPairs: 100 },
  })

  app.post<{ Params: CenterParams }>('/public/:center/tickets/uploads', {
    schema: {
      tags: ['public'], summary: '上传留言图片（JPEG、PNG、WebP，按内容识别；返回上传标识）', consumes: ['multipart/form-data'], params: CenterParams, body: UploadForm,
      response: { 201: UploadReply, ...problemResponses(400, 404, 413, 415, 422, 429) },
    },
    // The handler streams and checks the form itself; the schema documents it.
    validatorCompiler: () => () => true,
    config: { access: 'public', rateLimit: uploadLimit },
  }, async (request, reply) => {
    if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(request.params.center)) throw new AppError('TENANT_NOT_FOUND')
    const center = await intake.resolveCenter(request.params.center)
    const picture = await uploads.receiveFilePart(request)
    return reply.status(201).send(await uploads.citizenPicture(center, picture, request.auditContext))
  })

  app.post<{ Params: TicketId }>('/tickets/:id/uploads', {
    schema: {
      tags: ['tickets'], summary: '上传答复附件图片（返回上传标识，答复时放入 attachmentIds）', consumes: ['multipart/form-data'], params: TicketId, body: UploadForm,
      response: { 201: UploadReply, ...problemResponses(400, 401, 403, 404, 413, 415, 422) },
    },
    validatorCompiler: () => () => true,
    config: { access: 'ticket.handle' },
  }, async (request, reply) => {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(request.params.id)) throw new AppError('TICKET_NOT_FOUND')
    // The handler must see the ticket (its department holds it) before anything is stored.
    const detail = await queries.get(ticketActingOf(request), request.params.id)
    const picture = await uploads.receiveFilePart(request)
    const acting: Acting = { tenant: request.tenant!, userId: request.actor!.userId, audit: request.auditContext }
    return reply.status(201).send(await uploads.staffPicture(acting, detail.ticket, picture))
  })

  app.get<{ Params: { assetId: string } }>('/tickets/attachments/:assetId', {
    schema: {
      tags: ['tickets'], summary: '留言或答复附件的原图（保留 EXIF，仅办理人员可见）', params: AttachmentParams,
      response: { 200: { type: 'string', format: 'binary' }, 206: { type: 'string', format: 'binary' }, 304: { type: 'null' }, ...problemResponses(400, 401, 403, 404, 416) },
    },
    config: { access: 'ticket.read' },
  }, async (request, reply) => {
    const scope = request.tenant!.scope
    // Row-level security shows the reference only to the center and to departments holding the ticket.
    const link = await inScope(db, scope, (trx) => trx.selectFrom('ticket_attachments').select(['tenant_id', 'ticket_id'])
      .where('asset_id', '=', request.params.assetId).where((eb) => eb.or([eb('tenant_id', 'in', [...scope.tenantIds]), eb(sql<boolean>`app_ticket_visible(ticket_id)`, '=', true)]))
      .executeTakeFirst())
    if (!link) throw new AppError('ASSET_NOT_FOUND')
    const wide = await centerWideScope(db, link.tenant_id)
    const row = await inScope(db, wide, (trx) => trx.selectFrom('assets').select(['sha256', 'size', 'mime_type', 'original_name', 'id'])
      .where('id', '=', request.params.assetId).where('tenant_id', 'in', [...wide.tenantIds]).executeTakeFirst())
    if (!row) throw new AppError('ASSET_NOT_FOUND')
    const key = originalKey(row.sha256)
    return sendStored(request, reply, {
      storage: rt.storage, key, size: Number(row.size), mimeType: row.mime_type, filename: row.original_name || row.id, etag: key.slice(-32), cacheControl: 'private, no-store',
    })
  })
}

/** Deletes a citizen's upload nobody claimed (the purge after retention removes the file). */
export const expireUnclaimedUpload: EventHandler = async (event, { db }) => {
  const assetId = String(event.payload.assetId ?? '')
  if (!event.tenantId || !assetId) return
  const scope = tenantScope(event.tenantId)
  const config = assetRuntime(db).config
  await inScope(db, scope, async (trx) => {
    const row = await store.findAsset(trx, scope, assetId, { isLocked: true })
    const marker = row ? markerOf(row.metadata) : null
    if (!row || !marker || marker.claimedBy) return
    const now = new Date()
    // Deleted by the system, not by a person: deleted_by stays null.
    await store.updateAsset(trx, scope, assetId, { deleted_at: now, deleted_by: null })
    await appendAudit(trx, {
      tenantId: event.tenantId, actorId: null, actorName: '系统', ip: null, requestId: null,
      action: 'asset.delete', targetType: 'asset', targetId: assetId, details: { reason: 'ticket_upload_unclaimed' },
    })
    await emitEvent(trx, { type: 'asset.purge_due', tenantId: event.tenantId, payload: { assetId }, notBefore: new Date(now.getTime() + config.assetRetentionDays * 86_400_000) })
  })
}

export const ticketAttachmentSubscriptions: Array<[eventType: string, handler: EventHandler]> = [
  [UPLOAD_EXPIRED_EVENT, expireUnclaimedUpload],
]
