import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { AppDeps } from '../../app.js'
import { problemResponses } from '../../kernel/openapi.js'
import { createOpen311Service, type KeyActing } from './open311.service.js'
import type { KeyRow } from './open311.store.js'

const KeyView = Type.Object({
  id: Type.String({ format: 'uuid' }), name: Type.String(), prefix: Type.String(), createdAt: Type.String({ format: 'date-time' }),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]), revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
})
const KeyInput = Type.Object({ name: Type.String({ minLength: 1, maxLength: 60, pattern: '\\S' }) }, { additionalProperties: false })
const KeyParams = Type.Object({ id: Type.String({ format: 'uuid' }) })

function keyView(k: KeyRow) {
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null)
  return { id: k.id, name: k.name, prefix: k.prefix, createdAt: new Date(k.created_at).toISOString(), lastUsedAt: iso(k.last_used_at), revokedAt: iso(k.revoked_at) }
}

function actingOf(request: FastifyRequest): KeyActing {
  return { actorId: request.actor!.userId, tenant: request.tenant!, audit: request.auditContext }
}

const tags = ['open311']

/** The center's Open311 API keys (for 12345 hotlines, apps and other GeoReport clients). */
export async function open311KeyRoutes(app: FastifyInstance, { db }: AppDeps): Promise<void> {
  const open311 = createOpen311Service({ db })

  app.get('/open311/keys', {
    schema: { tags, summary: 'Open311 接口密钥', response: { 200: Type.Object({ items: Type.Array(KeyView) }), ...problemResponses(401, 403) } },
    config: { access: 'ticket.dispatch' },
  }, async (request) => ({ items: (await open311.listKeys(actingOf(request))).map(keyView) }))

  app.post<{ Body: { name: string } }>('/open311/keys', {
    schema: { tags, summary: '签发 Open311 接口密钥（只显示一次）', body: KeyInput, response: { 201: Type.Intersect([KeyView, Type.Object({ key: Type.String() })]), ...problemResponses(400, 401, 403) } },
    config: { access: 'ticket.dispatch' },
  }, async (request, reply) => {
    const { key, row } = await open311.createKey(actingOf(request), request.body)
    return reply.status(201).send({ ...keyView(row), key })
  })

  app.delete<{ Params: { id: string } }>('/open311/keys/:id', {
    schema: { tags, summary: '吊销 Open311 接口密钥', params: KeyParams, response: { 204: { type: 'null' }, ...problemResponses(401, 403, 404) } },
    config: { access: 'ticket.dispatch' },
  }, async (request, reply) => {
    await open311.revokeKey(actingOf(request), request.params.id)
    return reply.status(204).send()
  })
}
