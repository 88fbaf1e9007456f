import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../app.js'
import { problemResponses } from '../../kernel/openapi.js'
import { CreateRoleInput, PermissionList, RoleId, RoleList, RoleView, UpdateRoleInput } from './roles.schema.js'
import { createRolesService, listPermissions } from './roles.service.js'
import type { RoleRow } from './roles.store.js'

export function roleView(row: RoleRow, scopeTenantIds: readonly string[]): RoleView {
  return {
    id: row.id, tenantId: row.tenant_id, code: row.code, name: row.name, description: row.description,
    permissions: row.permissions, isBuiltin: row.is_builtin, isTotpRequired: row.is_totp_required,
    isInherited: row.tenant_id !== null && !scopeTenantIds.includes(row.tenant_id),
    createdAt: new Date(row.created_at).toISOString(), updatedAt: new Date(row.updated_at).toISOString(),
  }
}

/** The permission catalogue, and the roles that bundle permissions (built-in and custom). */
export async function rolesRoutes(app: FastifyInstance, { db }: AppDeps): Promise<void> {
  const roles = createRolesService({ db })

  app.get('/permissions', {
    schema: { tags: ['roles'], summary: '权限目录', response: { 200: PermissionList, ...problemResponses(401, 403) } },
    config: { access: 'authenticated', isTenantOptional: true },
  }, async () => ({ items: listPermissions() }))

  app.get('/roles', {
    schema: { tags: ['roles'], summary: '内置角色、本机构范围内的自定义角色及上级机构定义的角色（只读，可授予）', response: { 200: RoleList, ...problemResponses(401, 403) } },
    config: { access: 'user.read' },
  }, async (request) => {
    const rows = await roles.list({ actor: request.actor!, tenant: request.tenant })
    return { items: rows.map((row) => roleView(row, request.tenant!.scope.tenantIds)) }
  })

  app.post<{ Body: CreateRoleInput }>('/roles', {
    schema: {
      tags: ['roles'], summary: '在当前机构新建自定义角色', body: CreateRoleInput,
      response: { 201: RoleView, ...problemResponses(400, 401, 403, 409, 422) },
    },
    config: { access: 'role.manage' },
  }, async (request, reply) => {
    const row = await roles.create({ actor: request.actor!, tenant: request.tenant, input: request.body, audit: request.auditContext })
    return reply.status(201).send(roleView(row, request.tenant!.scope.tenantIds))
  })

  app.patch<{ Params: RoleId; Body: UpdateRoleInput }>('/roles/:id', {
    schema: {
      tags: ['roles'], summary: '修改自定义角色', params: RoleId, body: UpdateRoleInput,
      response: { 200: RoleView, ...problemResponses(400, 401, 403, 404, 422) },
    },
    config: { access: 'role.manage' },
  }, async (request) => {
    const row = await roles.update({ actor: request.actor!, tenant: request.tenant, id: request.params.id, input: request.body, audit: request.auditContext })
    return roleView(row, request.tenant!.scope.tenantIds)
  })

  app.delete<{ Params: RoleId }>('/roles/:id', {
    schema: {
      tags: ['roles'], summary: '删除未被使用的自定义角色', params: RoleId,
      response: { 204: { type: 'null' }, ...problemResponses(401, 403, 404, 409) },
    },
    config: { access: 'role.manage' },
  }, async (request, reply) => {
    await roles.remove({ actor: request.actor!, tenant: request.tenant, id: request.params.id, audit: request.auditContext })
    return reply.status(204).send()
  })
}
