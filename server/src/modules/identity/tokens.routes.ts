import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../app.js'
import { problemResponses } from '../../kernel/openapi.js'
import { TokenCreateInput, TokenCreateReply, TokenIdParams, TokenList } from './account.schema.js'
import { selfFrom } from './account.service.js'
import { createTokensService } from './tokens.service.js'
import type { TokenRow } from './tokens.store.js'

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString())

export function tokenView(row: TokenRow) {
  return {
    id: row.id, name: row.name, prefix: row.prefix, scopes: row.scopes, tenantId: row.tenant_id, createdAt: iso(row.created_at)!,
    lastUsedAt: iso(row.last_used_at), expiresAt: iso(row.expires_at), revokedAt: iso(row.revoked_at),
  }
}

const tags = ['auth']

/** Personal API tokens (GET/POST/DELETE /me/tokens). */
export async function tokenRoutes(app: FastifyInstance, { db }: AppDeps) {
  const tokens = createTokensService({ db })

  app.get('/me/tokens', {
    schema: { tags, summary: '我的 API 令牌', response: { 200: TokenList, ...problemResponses(401, 403) } },
    config: { access: 'authenticated', isTenantOptional: true },
  }, async (request) => ({ items: (await tokens.listTokens({ userId: request.actor!.userId })).map(tokenView) }))

  app.post<{ Body: TokenCreateInput }>('/me/tokens', {
    schema: { tags, summary: '创建 API 令牌（只显示一次）', body: TokenCreateInput, response: { 201: TokenCreateReply, ...problemResponses(400, 401, 403, 404) } },
    config: { access: 'authenticated' },
  }, async (request, reply) => {
    const self = selfFrom({ actor: request.actor!, sessionId: request.session?.id ?? null, audit: request.auditContext })
    const { token, row } = await tokens.createToken({ userId: self.userId, tenant: request.tenant!, audit: self.audit, ...request.body })
    return reply.status(201).send({ token, ...tokenView(row) })
  })

  app.delete<{ Params: TokenIdParams }>('/me/tokens/:id', {
    schema: { tags, summary: '吊销 API 令牌', params: TokenIdParams, response: { 204: { type: 'null' }, ...problemResponses(400, 401, 403, 404) } },
    config: { access: 'authenticated', isTenantOptional: true },
  }, async (request, reply) => {
    await tokens.revokeToken({ userId: request.actor!.userId, tokenId: request.params.id, audit: request.auditContext })
    return reply.status(204).send()
  })
}
