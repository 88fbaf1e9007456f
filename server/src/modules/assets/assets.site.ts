import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { AppDeps } from '../../app.js'
import { AppError } from '../../kernel/errors.js'
import { archiveAssetPage, archiveCsp, archiveIndexPage } from './archive.html.js'
import { createCollectionsService } from './assets.collections.js'
import { sendStored } from './assets.http.js'
import { assetRuntime } from './assets.runtime.js'
import { createAssetsService } from './assets.service.js'
import { derivativeKey } from './storage/storage.js'

const Uuid = Type.String({ format: 'uuid' })
const RenditionParams = Type.Object({ tenantId: Uuid, assetId: Uuid, file: Type.String({ pattern: '^[a-z0-9-]+\\.[a-z0-9]+$', maxLength: 60 }) })
const PrivateParams = Type.Object({ tenantId: Uuid, assetId: Uuid })
const SignedQuery = Type.Object({ exp: Type.Optional(Type.String()), sig: Type.Optional(Type.String()) })
const ArchiveParams = Type.Object({ slug: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$' }) })
const ArchiveQuery = Type.Object({ q: Type.Optional(Type.String({ maxLength: 100 })), collection: Type.Optional(Uuid) })
const ArchiveAssetParams = Type.Object({ slug: ArchiveParams.properties.slug, assetId: Uuid })

/**
 * The media library's routes outside the API, reachable without signing in:
 * - `/media/{tenant}/{asset}/{file}`: public renditions (stripped of EXIF), with Range support;
 * - `/media/private/{tenant}/{asset}?exp&sig`: an original through a short-lived signed link;
 * - `/archive/{slug}` and `/archive/{slug}/{asset}`: the public archive of public collections.
 * Originals are never reachable here without a valid signature.
 */
export async function assetSiteRoutes(app: FastifyInstance, { db, config }: AppDeps): Promise<void> {
  const rt = assetRuntime(db, config)
  const collections = createCollectionsService(rt)
  const assets = createAssetsService(rt)
  const notFound = () => new AppError('NOT_FOUND', 'no such file')

  app.get<{ Params: { tenantId: string; assetId: string; file: string } }>('/media/:tenantId/:assetId/:file', {
    schema: { params: RenditionParams, hide: true },
  }, async (request, reply) => {
    const { tenantId, assetId, file } = request.params
    const rendition = await collections.publicRendition({ tenantId, assetId, file })
    if (!rendition) throw notFound()
    return sendStored(request, reply, {
      storage: rt.storage, key: derivativeKey(tenantId, assetId, rendition.file), size: rendition.bytes, mimeType: rendition.mimeType,
      etag: rendition.etag, cacheControl: 'public, max-age=3600',
    })
  })

  app.get<{ Params: { tenantId: string; assetId: string }; Querystring: { exp?: string; sig?: string } }>('/media/private/:tenantId/:assetId', {
    schema: { params: PrivateParams, querystring: SignedQuery, hide: true },
  }, async (request, reply) => {
    const { tenantId, assetId } = request.params
    if (!rt.signer.verify(`/media/private/${tenantId}/${assetId}`, request.query.exp, request.query.sig)) throw new AppError('SIGNED_URL_INVALID')
    const original = await assets.originalOf(tenantId, assetId)
    return sendStored(request, reply, {
      storage: rt.storage, key: original.key, size: original.size, mimeType: original.mimeType, filename: original.filename,
      cacheControl: 'private, no-store',
    })
  })

  app.get<{ Params: { slug: string }; Querystring: { q?: string; collection?: string } }>('/archive/:slug', {
    schema: { params: ArchiveParams, querystring: ArchiveQuery, hide: true },
  }, async (request, reply) => {
    const tenantId = await collections.archiveTenant(request.params.slug)
    if (!tenantId) throw new AppError('NOT_FOUND', 'this archive publishes nothing')
    const q = request.query.q?.trim() ?? ''
    const { collections: list, items } = await collections.archive(tenantId, { q, collectionId: request.query.collection })
    return reply.header('content-security-policy', archiveCsp).header('cache-control', 'public, max-age=60').type('text/html; charset=utf-8')
      .send(archiveIndexPage({ slug: request.params.slug, q, collectionId: request.query.collection, collections: list, items }))
  })

  app.get<{ Params: { slug: string; assetId: string } }>('/archive/:slug/:assetId', {
    schema: { params: ArchiveAssetParams, hide: true },
  }, async (request, reply) => {
    const tenantId = await collections.archiveTenant(request.params.slug)
    const row = tenantId ? await collections.archiveAsset(tenantId, request.params.assetId) : null
    if (!row) throw new AppError('NOT_FOUND', 'no such public resource')
    return reply.header('content-security-policy', archiveCsp).header('cache-control', 'public, max-age=60').type('text/html; charset=utf-8')
      .send(archiveAssetPage({ slug: request.params.slug, row }))
  })
}
