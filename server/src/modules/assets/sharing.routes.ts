import type { FastifyInstance } from 'fastify'
import type { Readable } from 'node:stream'
import type { AssetKind } from '../../db/schema.js'
import { AppError } from '../../kernel/errors.js'
import { PageQuery, problemResponses } from '../../kernel/openapi.js'
import { Type } from 'typebox'
import { actingOf } from './assets.routes.js'
import {
  AssetId, AssetView, CollectionInput, CollectionItemParams, CollectionItems, CollectionList, CollectionPatch, CollectionView,
  LimitInput, LimitParams, LimitsView, SharedUseInput, ShareId, ShareInput, ShareList, ShareView, UploadCreate, UploadId,
  UploadView, UsageInput, UsageList, UsageRef, UsageView,
} from './assets.schema.js'
import type { AssetsService } from './assets.service.js'
import type { CollectionsService } from './assets.collections.js'
import type { SharingService } from './assets.sharing.js'
import { MAX_CHUNK_BYTES, type UploadsService } from './assets.uploads.js'

const tags = ['assets']

/** Usage, the shared library, collections, per-kind limits and resumable uploads. */
export async function sharingRoutes(app: FastifyInstance, { assets, sharing, collections, uploads }: {
  assets: AssetsService; sharing: SharingService; collections: CollectionsService; uploads: UploadsService
}): Promise<void> {
  // Chunks of a resumable upload arrive as raw bytes and are streamed to disk, never parsed.
  app.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload))

  // ---- usage -------------------------------------------------------------------------
  app.get<{ Params: AssetId }>('/assets/:id/usage', {
    schema: { tags, summary: '素材在哪里被使用（稿件、发布）', params: AssetId, response: { 200: UsageList, ...problemResponses(400, 401, 403, 404) } },
    config: { access: 'asset.read' },
  }, async (request) => ({ items: await sharing.listUsage(actingOf(request), request.params.id) }))

  app.post<{ Params: AssetId; Body: UsageInput }>('/assets/:id/usage', {
    schema: { tags, summary: '登记一次使用（本机构素材，或经共享的素材并带署名）', params: AssetId, body: UsageInput, response: { 201: UsageView, ...problemResponses(400, 401, 403, 404) } },
    config: { access: 'asset.read' },
  }, async (request, reply) => {
    const { refType, refId, isLive, shareId } = request.body
    const view = await sharing.recordUse({ scope: request.tenant!.scope, actorId: request.actor!.userId, assetId: request.params.id, refType, refId, isLive, shareId })
    return reply.status(201).send(view)
  })

  app.delete<{ Params: AssetId; Querystring: { refType: string; refId: string } }>('/assets/:id/usage', {
    schema: { tags, summary: '取消一次使用', params: AssetId, querystring: UsageRef, response: { 204: { type: 'null' }, ...problemResponses(400, 401, 403, 404) } },
    config: { access: 'asset.read' },
  }, async (request, reply) => {
    const isRemoved = await sharing.releaseUse({ scope: request.tenant!.scope, assetId: request.params.id, ...request.query })
    if (!isRemoved) throw new AppError('NOT_FOUND', 'no such use of this asset')
    return reply.status(204).send()
  })

  // ---- sharing -----------------------------------------------------------------------
  app.get<{ Params: AssetId }>('/assets/:id/shares', {
    schema: { tags, summary: '本素材的共享记录', params: AssetId, response: { 200: ShareList, ...problemResponses(400, 401, 403, 404) } },
    config: { access: 'asset.read' },
  }, async (request) => ({ items: await sharing.listShares(actingOf(request), request.params.id) }))

  app.post<{ Params: AssetId; Body: { audience: 'parent' | 'children' | 'platform' } }>('/assets/:id/shares', {
    schema: { tags, summary: '共享素材给上级、下级或全平台', params: AssetId, body: ShareInput, response: { 201: ShareView, ...problemResponses(400, 401, 403, 404, 409) } },
    config: { access: 'asset.manage' },
  }, async (request, reply) => reply.status(201).send(await sharing.share(actingOf(request), { assetId: request.params.id, audience: request.body.audience })))

  app.get<{ Querystring: { limit?: number; cursor?: string } }>('/asset-shares', {
    schema: { tags, summary: '我的共享：本机构共享出去的素材（含已撤回）', querystring: Type.Object(PageQuery, { additionalProperties: false }), response: { 200: ShareList, ...problemResponses(400, 401, 403) } },
    config: { access: 'asset.read' },
  }, async (request) => sharing.listMyShares(actingOf(request), { cursor: request.query.cursor, limit: request.query.limit ?? 50 }))

  app.delete<{ Params: { shareId: string } }>('/asset-shares/:shareId', {
    schema: { tags, summary: '撤回共享（已有的使用不受影响）', params: ShareId, response: { 200: ShareView, ...problemResponses(400, 401, 403, 404) } },
    config: { access: 'asset.manage' },
  }, async (request) => sharing.withdraw(actingOf(request), request.params.shareId))

  app.get<{ Querystring: { limit?: number; cursor?: string } }>('/shared-assets', {
    schema: { tags, summary: '资源共享中心：其他机构共享给本机构的素材', querystring: Type.Object(PageQuery, { additionalProperties: false }), response: { 200: ShareList, ...problemResponses(400, 401, 403) } },
    config: { access: 'asset.read' },
  }, async (request) => sharing.listOffered(actingOf(request), { cursor: request.query.cursor, limit: request.query.limit ?? 50 }))

  app.post<{ Params: { shareId: string }; Body: { refType: string; refId: string; isLive?: boolean } }>('/shared-assets/:shareId/use', {
    schema: { tags, summary: '使用共享素材（登记使用并带上署名）', params: ShareId, body: SharedUseInput, response: { 201: UsageView, ...problemResponses(400, 401, 403, 404) } },
    config: { access: 'asset.read' },
  }, async (request, reply) => {
    return reply.status(201).send(await sharing.useShared(actingOf(request), { shareId: request.params.shareId, ...request.body }))
  })

  // ---- collections -------------------------------------------------------------------
  app.get('/asset-collections', {
    schema: { tags, summary: '素材专题（可公开到数字资源公共服务平台）', response: { 200: CollectionList, ...problemResponses(401, 403) } },
    config: { access: 'asset.read' },
  }, async (request) => ({ items: await collections.list(actingOf(request)) }))

  app.post<{ Body: { title: string; description?: string } }>('/asset-collections', {
    schema: { tags, summary: '新建专题', body: CollectionInput, response: { 201: CollectionView, ...problemResponses(400, 401, 403) } },
    config: { access: 'asset.manage' },
  }, async (request, reply) => reply.status(201).send(await collections.create(actingOf(request), request.body)))

  app.patch<{ Params: AssetId; Body: { title?: string; description?: string; isPublic?: boolean } }>('/asset-collections/:id', {
    schema: { tags, summary: '修改专题；isPublic=true 公开到公共服务平台', params: AssetId, body: CollectionPatch, response: { 200: CollectionView, ...problemResponses(400, 401, 403, 404) } },
    config: { access: 'asset.manage' },
  }, async (request) => collections.update(actingOf(request), request.params.id, request.body))

  app.post<{ Params: AssetId; Body: { assetIds: string[] } }>('/asset-collections/:id/items', {
    schema: { tags, summary: '向专题加入素材', params: AssetId, body: CollectionItems, response: { 200: CollectionView, ...problemResponses(400, 401, 403, 404) } },
    config: { access: 'asset.manage' },
  }, async (request) => collections.addItems(actingOf(request), request.params.id, request.body.assetIds))

  app.delete<{ Params: { id: string; assetId: string } }>('/asset-collections/:id/items/:assetId', {
    schema: { tags, summary: '从专题移除素材', params: CollectionItemParams, response: { 204: { type: 'null' }, ...problemResponses(400, 401, 403, 404) } },
    config: { access: 'asset.manage' },
  }, async (request, reply) => {
    await collections.removeItem(actingOf(request), request.params.id, request.params.assetId)
    return reply.status(204).send()
  })

  // ---- limits ------------------------------------------------------------------------
  app.get('/asset-limits', {
    schema: { tags, summary: '本机构各类素材的大小上限（字节）', response: { 200: LimitsView, ...problemResponses(401, 403) } },
    config: { access: 'asset.read' },
  }, async (request) => assets.limits(request.tenant!.scope))

  app.put<{ Params: { kind: AssetKind }; Body: { maxBytes: number } }>('/asset-limits/:kind', {
    schema: { tags, summary: '设置本机构某类素材的大小上限', params: LimitParams, body: LimitInput, response: { 200: LimitsView, ...problemResponses(400, 401, 403) } },
    config: { access: 'tenant.manage' },
  }, async (request) => assets.setLimit(actingOf(request), request.params.kind, request.body.maxBytes))

  // ---- resumable uploads -------------------------------------------------------------
  app.post<{ Body: UploadCreate }>('/asset-uploads', {
    schema: { tags, summary: '开始分块续传上传（大文件）', body: UploadCreate, response: { 201: UploadView, ...problemResponses(400, 401, 403, 413) } },
    config: { access: 'asset.manage' },
  }, async (request, reply) => {
    const { meta, ...input } = request.body
    return reply.status(201).send(await uploads.create(actingOf(request), { ...input, meta: meta ?? {} }))
  })

  app.get<{ Params: { uploadId: string } }>('/asset-uploads/:uploadId', {
    schema: { tags, summary: '续传：查询已收到的字节数', params: UploadId, response: { 200: UploadView, ...problemResponses(400, 401, 403, 404) } },
    config: { access: 'asset.manage' },
  }, async (request) => uploads.status(actingOf(request), request.params.uploadId))

  app.put<{ Params: { uploadId: string } }>('/asset-uploads/:uploadId', {
    schema: {
      tags, summary: '续传：上传一块（请求头 Upload-Offset 为起始字节，正文为 application/octet-stream）', params: UploadId,
      headers: Type.Object({ 'upload-offset': Type.Integer({ minimum: 0 }) }),
      response: { 200: UploadView, ...problemResponses(400, 401, 403, 404, 409, 413, 415) },
    },
    bodyLimit: MAX_CHUNK_BYTES,
    config: { access: 'asset.manage' },
  }, async (request) => {
    if (!String(request.headers['content-type'] ?? '').startsWith('application/octet-stream')) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'send chunks as application/octet-stream')
    }
    const offset = Number(request.headers['upload-offset'])
    return uploads.append(actingOf(request), request.params.uploadId, { offset, body: request.body as Readable })
  })

  app.post<{ Params: { uploadId: string } }>('/asset-uploads/:uploadId/complete', {
    schema: { tags, summary: '续传：完成并入库（与一次性上传同样检查）', params: UploadId, response: { 201: AssetView, ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422) } },
    config: { access: 'asset.manage' },
  }, async (request, reply) => reply.status(201).send(await uploads.complete(actingOf(request), request.params.uploadId)))

  app.delete<{ Params: { uploadId: string } }>('/asset-uploads/:uploadId', {
    schema: { tags, summary: '放弃续传上传', params: UploadId, response: { 204: { type: 'null' }, ...problemResponses(400, 401, 403, 404) } },
    config: { access: 'asset.manage' },
  }, async (request, reply) => {
    await uploads.abort(actingOf(request), request.params.uploadId)
    return reply.status(204).send()
  })
}
