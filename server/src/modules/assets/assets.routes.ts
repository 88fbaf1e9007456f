import fs from 'node:fs'
import multipart from '@fastify/multipart'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AppDeps } from '../../app.js'
import { AppError } from '../../kernel/errors.js'
import { problemResponses } from '../../kernel/openapi.js'
import { metaFromFields, sendStored } from './assets.http.js'
import { assetRuntime } from './assets.runtime.js'
import {
  AssetId, AssetList, AssetPatch, AssetView, DeleteQuery, FocalPoint, ListQuery, SignedLink, SimilarList, SimilarQuery, UploadForm,
} from './assets.schema.js'
import { createAssetsService, type Acting } from './assets.service.js'
import { createSharingService } from './assets.sharing.js'
import { createCollectionsService } from './assets.collections.js'
import { createUploadsService } from './assets.uploads.js'
import { sharingRoutes } from './sharing.routes.js'
import { coverHooks } from './assets.cover.js'
import { registerCoverHooks } from '../stories/stories.cover.js'
import type { Received } from './ingest.js'

const tags = ['assets']

export function actingOf(request: FastifyRequest): Acting {
  return { tenant: request.tenant!, userId: request.actor!.userId, audit: request.auditContext }
}

/**
 * The media library (素材中心) API: upload (one request, multipart, streamed) and resumable
 * uploads, browse and search, edit, delete and restore, similar pictures, focal point, the
 * original for staff, usage, sharing, collections and limits.
 */
export async function assetsRoutes(app: FastifyInstance, { db, config }: AppDeps): Promise<void> {
  const rt = assetRuntime(db, config)
  const assets = createAssetsService(rt)
  const sharing = createSharingService(rt)
  const collections = createCollectionsService(rt)
  const uploads = createUploadsService(rt, assets)
  // A story's cover is recorded as a use of the asset in the story's own transaction.
  registerCoverHooks(coverHooks)

  // Scoped to this plugin. Files stream to disk, so the cap is the largest upload of any kind.
  await app.register(multipart, {
    limits: { fileSize: config.assetMaxBytes, files: 1, fields: 20, fieldSize: 4000, parts: 24, headerPairs: 100 },
  })

  app.post('/assets', {
    schema: {
      tags, summary: '上传素材（multipart：file 及可选的 title、caption、credit 等）', consumes: ['multipart/form-data'], body: UploadForm,
      response: { 201: AssetView, ...problemResponses(400, 401, 403, 413, 415, 422) },
    },
    // The handler streams and checks the form itself; the schema documents it.
    validatorCompiler: () => () => true,
    config: { access: 'asset.manage' },
  }, async (request, reply) => {
    if (!request.isMultipart()) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'file: send the file as multipart/form-data', { errors: [{ field: 'file', message: 'must be sent as multipart/form-data' }] })
    }
    const acting = actingOf(request)
    const fields: Record<string, string> = {}
    let received: Received | null = null
    let filename = ''
    let declaredType = ''
    try {
      for await (const part of request.parts()) {
        if (part.type !== 'file') {
          fields[part.fieldname] = String(part.value ?? '')
          continue
        }
        if (part.fieldname !== 'file' || received) {
          part.file.resume()
          throw new AppError('VALIDATION_FAILED', `${part.fieldname}: send one file, as \`file\``, { errors: [{ field: part.fieldname, message: 'is not expected (send one file, as `file`)' }] })
        }
        filename = part.filename ?? ''
        declaredType = part.mimetype ?? ''
        received = await assets.receiveUpload(acting, part.file)
      }
      if (!received) throw new AppError('VALIDATION_FAILED', 'file: is required', { errors: [{ field: 'file', message: 'is required' }] })
      const meta = metaFromFields(fields)
      const view = await assets.ingest(acting, { received, filename, declaredType, meta })
      received = null
      return reply.status(201).send(view)
    } finally {
      // Refused before ingest took it over (bad field): nothing may stay in the temp folder.
      if (received) await fs.promises.rm(received.filePath, { force: true })
    }
  })

  app.get<{ Querystring: ListQuery }>('/assets', {
    schema: { tags, summary: '素材列表与搜索（标题、说明、标签全文检索；按类型、日期、上传人、版权、使用情况筛选）', querystring: ListQuery, response: { 200: AssetList, ...problemResponses(400, 401, 403) } },
    config: { access: 'asset.read' },
  }, async (request) => {
    const { from, to, deleted, limit = 50, ...rest } = request.query
    return assets.list(actingOf(request), {
      ...rest, limit, isDeleted: deleted, from: from ? new Date(from) : undefined, to: to ? new Date(to) : undefined,
    })
  })

  app.get<{ Params: AssetId }>('/assets/:id', {
    schema: { tags, summary: '素材详情（含衍生图、使用情况与版权提醒）', params: AssetId, response: { 200: AssetView, ...problemResponses(400, 401, 403, 404) } },
    config: { access: 'asset.read' },
  }, async (request) => assets.get(actingOf(request), request.params.id, { isDeletedIncluded: true }))

  app.patch<{ Params: AssetId; Body: AssetPatch }>('/assets/:id', {
    schema: { tags, summary: '修改素材说明、版权与标签', params: AssetId, body: AssetPatch, response: { 200: AssetView, ...problemResponses(400, 401, 403, 404) } },
    config: { access: 'asset.manage' },
  }, async (request) => assets.update(actingOf(request), request.params.id, request.body))

  app.delete<{ Params: AssetId; Querystring: { force?: boolean } }>('/assets/:id', {
    schema: { tags, summary: '删除素材（进入回收站；使用中需 force=true）', params: AssetId, querystring: DeleteQuery, response: { 204: { type: 'null' }, ...problemResponses(400, 401, 403, 404, 409) } },
    config: { access: 'asset.manage' },
  }, async (request, reply) => {
    await assets.remove(actingOf(request), request.params.id, { isForced: request.query.force === true })
    return reply.status(204).send()
  })

  app.post<{ Params: AssetId }>('/assets/:id/restore', {
    schema: { tags, summary: '从回收站恢复素材', params: AssetId, response: { 200: AssetView, ...problemResponses(400, 401, 403, 404) } },
    config: { access: 'asset.manage' },
  }, async (request) => assets.restore(actingOf(request), request.params.id))

  app.get<{ Params: AssetId; Querystring: { maxDistance?: number; limit?: number } }>('/assets/:id/similar', {
    schema: { tags, summary: '相似图片（感知哈希汉明距离）', params: AssetId, querystring: SimilarQuery, response: { 200: SimilarList, ...problemResponses(400, 401, 403, 404) } },
    config: { access: 'asset.read' },
  }, async (request) => ({ items: await assets.similar(actingOf(request), request.params.id, { maxDistance: request.query.maxDistance ?? 10, limit: request.query.limit ?? 20 }) }))

  app.put<{ Params: AssetId; Body: { x: number; y: number } }>('/assets/:id/focal-point', {
    schema: { tags, summary: '设置焦点（按焦点重新裁切各渠道封面）', params: AssetId, body: FocalPoint, response: { 200: AssetView, ...problemResponses(400, 401, 403, 404) } },
    config: { access: 'asset.manage' },
  }, async (request) => assets.setFocalPoint(actingOf(request), request.params.id, request.body))

  app.get<{ Params: AssetId }>('/assets/:id/original', {
    schema: { tags, summary: '下载原件（保留 EXIF，含位置信息；支持 Range）', params: AssetId, response: { 200: { type: 'string', format: 'binary' }, 206: { type: 'string', format: 'binary' }, 304: { type: 'null' }, ...problemResponses(400, 401, 403, 404, 416) } },
    config: { access: 'asset.original.read' },
  }, async (request, reply) => {
    const original = await assets.original(request.tenant!.scope, request.params.id)
    return sendStored(request, reply, { storage: rt.storage, key: original.key, size: original.size, mimeType: original.mimeType, filename: original.filename, etag: original.key.slice(-32), cacheControl: 'private, no-store' })
  })

  app.post<{ Params: AssetId }>('/assets/:id/original-link', {
    schema: { tags, summary: '原件的短时签名链接（播放器、下载工具使用）', params: AssetId, response: { 200: SignedLink, ...problemResponses(400, 401, 403, 404) } },
    config: { access: 'asset.original.read' },
  }, async (request) => {
    const original = await assets.original(request.tenant!.scope, request.params.id)
    const url = rt.signer.sign(`/media/private/${original.tenantId}/${request.params.id}`)
    const exp = Number(new URL(url, 'http://x').searchParams.get('exp'))
    return { url, expiresAt: new Date(exp * 1000).toISOString() }
  })

  await sharingRoutes(app, { assets, sharing, collections, uploads })
}
