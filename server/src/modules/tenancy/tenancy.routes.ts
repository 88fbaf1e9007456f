import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../app.js'
import { problemResponses } from '../../kernel/openapi.js'
import { CreateTenantInput, TenantId, TenantList, TenantView, UpdateTenantInput } from './tenancy.schema.js'
import { createTenancyService } from './tenancy.service.js'
import type { TenantRow } from './tenancy.store.js'

export function tenantView(row: TenantRow): TenantView {
  return {
    id: row.id, slug: row.slug, name: row.name, kind: row.kind, parentId: row.parent_id,
    isDisabled: row.is_disabled, createdAt: new Date(row.created_at).toISOString(),
  }
}

/** The tenant tree: list what the caller may see, create, rename, move, disable. */
export async function tenancyRoutes(app: FastifyInstance, { db, auth }: AppDeps): Promise<void> {
  const tenancy = createTenancyService({ db, auth })

  app.get('/tenants', {
    schema: { tags: ['tenants'], summary: '可见的机构（含有角色的机构及其下级）', response: { 200: TenantList, ...problemResponses(401, 403) } },
    config: { access: 'authenticated', isTenantOptional: true },
  }, async (request) => {
    const rows = await tenancy.listVisible({ actor: request.actor!, tenant: request.tenant })
    return { items: rows.map(tenantView) }
  })

  app.post<{ Body: CreateTenantInput }>('/tenants', {
    schema: {
      tags: ['tenants'], summary: '新建机构', body: CreateTenantInput,
      response: { 201: TenantView, ...problemResponses(400, 401, 403, 404, 409, 422) },
    },
    config: { access: 'tenant.manage' },
  }, async (request, reply) => {
    const row = await tenancy.create({ actor: request.actor!, tenant: request.tenant, input: request.body, audit: request.auditContext })
    return reply.status(201).send(tenantView(row))
  })

  app.patch<{ Params: TenantId; Body: UpdateTenantInput }>('/tenants/:id', {
    schema: {
      tags: ['tenants'], summary: '改名、移动、停用或启用机构', params: TenantId, body: UpdateTenantInput,
      response: { 200: TenantView, ...problemResponses(400, 401, 403, 404, 422) },
    },
    config: { access: 'tenant.manage' },
  }, async (request) => {
    const row = await tenancy.update({
      actor: request.actor!, tenant: request.tenant, id: request.params.id, input: request.body, audit: request.auditContext,
    })
    return tenantView(row)
  })
}
