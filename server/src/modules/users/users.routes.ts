import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AppDeps } from '../../app.js'
import { problemResponses } from '../../kernel/openapi.js'
import { MembershipView } from '../identity/identity.schema.js'
import {
  MembershipInput, MembershipParams, TemporaryPasswordReply, UserCreateInput, UserCreateReply, UserIdParams, UserItem, UserList,
  UserListQuery, UserPatchInput,
} from './users.schema.js'
import { createUsersService, type Acting, type UserWithMemberships } from './users.service.js'
import type { MembershipRow } from './users.store.js'

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString())

export function membershipItemView(m: MembershipRow) {
  return {
    id: m.id, tenantId: m.tenant_id, tenantSlug: m.tenant_slug, tenantName: m.tenant_name, tenantKind: m.tenant_kind,
    roleId: m.role_id, roleCode: m.role_code ?? '', roleName: m.role_name ?? '', extendsToDescendants: m.extends_to_descendants,
  }
}

export function userItemView({ user, memberships }: UserWithMemberships) {
  const isLocked = user.locked_until !== null && new Date(user.locked_until).getTime() > Date.now()
  return {
    id: user.id, username: user.username, displayName: user.display_name, email: user.email, phone: user.phone,
    homeTenantId: user.home_tenant_id, isDisabled: user.is_disabled, isDemo: user.is_demo, totpEnabled: user.totp_enabled_at !== null,
    mustChangePassword: user.must_change_password, lockedUntil: isLocked ? iso(user.locked_until) : null,
    lastLoginAt: iso(user.last_login_at), createdAt: iso(user.created_at)!, memberships: memberships.map(membershipItemView),
  }
}

function actingOf(request: FastifyRequest): Acting {
  return { actorId: request.actor!.userId, tenant: request.tenant!, audit: request.auditContext }
}

const tags = ['users']

/** User administration (user.read to look, user.manage to change). */
export async function usersRoutes(app: FastifyInstance, { db }: AppDeps) {
  const users = createUsersService({ db })

  app.get<{ Querystring: UserListQuery }>('/users', {
    schema: { tags, summary: '用户列表', querystring: UserListQuery, response: { 200: UserList, ...problemResponses(400, 401, 403, 404) } },
    config: { access: 'user.read' },
  }, async (request) => {
    const page = await users.listUsers(actingOf(request), request.query)
    return { items: page.items.map(userItemView), nextCursor: page.nextCursor }
  })

  app.get<{ Params: UserIdParams }>('/users/:id', {
    schema: { tags, summary: '用户详情', params: UserIdParams, response: { 200: UserItem, ...problemResponses(400, 401, 403, 404) } },
    config: { access: 'user.read' },
  }, async (request) => userItemView(await users.getUser(actingOf(request), request.params.id)))

  app.post<{ Body: UserCreateInput }>('/users', {
    schema: { tags, summary: '邀请用户（生成临时密码）', body: UserCreateInput, response: { 201: UserCreateReply, ...problemResponses(400, 401, 403, 404, 409) } },
    config: { access: 'user.manage' },
  }, async (request, reply) => {
    const created = await users.createUser(actingOf(request), request.body)
    return reply.status(201).send({ user: userItemView(created), temporaryPassword: created.temporaryPassword })
  })

  app.patch<{ Params: UserIdParams; Body: UserPatchInput }>('/users/:id', {
    schema: { tags, summary: '修改用户、停用或启用', params: UserIdParams, body: UserPatchInput, response: { 200: UserItem, ...problemResponses(400, 401, 403, 404, 409) } },
    config: { access: 'user.manage' },
  }, async (request) => userItemView(await users.updateUser(actingOf(request), request.params.id, request.body)))

  app.post<{ Params: UserIdParams }>('/users/:id/reset-password', {
    schema: { tags, summary: '重置密码（生成临时密码）', params: UserIdParams, response: { 200: TemporaryPasswordReply, ...problemResponses(400, 401, 403, 404) } },
    config: { access: 'user.manage' },
  }, async (request) => {
    const { temporaryPassword } = await users.resetPassword(actingOf(request), request.params.id)
    return { temporaryPassword }
  })

  app.post<{ Params: UserIdParams }>('/users/:id/unlock', {
    schema: { tags, summary: '解除锁定', params: UserIdParams, response: { 204: { type: 'null' }, ...problemResponses(400, 401, 403, 404) } },
    config: { access: 'user.manage' },
  }, async (request, reply) => {
    await users.unlockUser(actingOf(request), request.params.id)
    return reply.status(204).send()
  })

  app.post<{ Params: UserIdParams; Body: MembershipInput }>('/users/:id/memberships', {
    schema: { tags, summary: '分配角色', params: UserIdParams, body: MembershipInput, response: { 201: MembershipView, ...problemResponses(400, 401, 403, 404, 409) } },
    config: { access: 'user.manage' },
  }, async (request, reply) => {
    const membership = await users.addMembership(actingOf(request), request.params.id, request.body)
    return reply.status(201).send(membershipItemView(membership))
  })

  app.delete<{ Params: MembershipParams }>('/users/:id/memberships/:membershipId', {
    schema: { tags, summary: '收回角色', params: MembershipParams, response: { 204: { type: 'null' }, ...problemResponses(400, 401, 403, 404, 409) } },
    config: { access: 'user.manage' },
  }, async (request, reply) => {
    await users.removeMembership(actingOf(request), request.params.id, request.params.membershipId)
    return reply.status(204).send()
  })
}
