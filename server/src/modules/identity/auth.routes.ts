import type { FastifyInstance } from 'fastify'
import type { AuthService } from './auth.service.js'
import { SESSION_COOKIE } from '../../kernel/http.js'
import { LoginInput, LoginReply, MeReply } from './identity.schema.js'
import type { UserRoleRow, UserRow } from './identity.store.js'
import { problemResponses } from '../../kernel/openapi.js'

export function userView(user: UserRow, passwordExpiresAt: Date | null = null) {
  return {
    id: user.id, username: user.username, displayName: user.display_name, email: user.email, phone: user.phone,
    isDemo: user.is_demo, totpEnabled: Boolean(user.totp_enabled_at), passwordExpiresAt: passwordExpiresAt?.toISOString() ?? null,
  }
}

export function membershipView(row: UserRoleRow) {
  return {
    id: row.id, tenantId: row.tenant_id, tenantSlug: row.tenant_slug, tenantName: row.tenant_name, tenantKind: row.tenant_kind,
    roleId: row.role_id, roleCode: row.role_code, roleName: row.role_name, extendsToDescendants: row.extends_to_descendants,
  }
}

/** Sign-in, sign-out and "who am I". */
export async function authRoutes(app: FastifyInstance, { auth, cookieSecure, loginRateLimitPerMinute }: {
  auth: AuthService; cookieSecure: boolean; loginRateLimitPerMinute: number
}) {
  app.post<{ Body: LoginInput }>('/auth/login', {
    schema: { tags: ['auth'], summary: '登录', body: LoginInput, response: { 200: LoginReply, ...problemResponses(400, 401, 403, 423, 429) } },
    config: { access: 'public', rateLimit: { max: loginRateLimitPerMinute, timeWindow: '1 minute' } },
  }, async (request, reply) => {
    const { username, password, otp } = request.body
    const result = await auth.login({ username, password, otp, client: request.client })
    reply.setCookie(SESSION_COOKIE, result.cookieValue, {
      path: '/', httpOnly: true, sameSite: 'strict', secure: cookieSecure, expires: result.session.expiresAt,
    })
    const me = await auth.describeActor(result.actor)
    return {
      user: userView(me.user, me.passwordExpiresAt), csrfToken: result.session.csrfToken,
      mustEnrolTotp: result.session.mustEnrolTotp, mustChangePassword: result.session.mustChangePassword,
    }
  })

  app.post('/auth/logout', {
    schema: { tags: ['auth'], summary: '退出登录', response: { 204: { type: 'null' }, ...problemResponses(401, 403) } },
    config: { access: 'authenticated', isAllowedWhileRestricted: true, isTenantOptional: true },
  }, async (request, reply) => {
    if (request.session) {
      await auth.logout({ sessionId: request.session.id, actor: request.actor!, client: request.client, tenantId: request.tenant?.id ?? null })
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' })
    return reply.status(204).send()
  })

  app.get('/me', {
    schema: { tags: ['auth'], summary: '当前用户、所在机构与权限', response: { 200: MeReply, ...problemResponses(401, 404) } },
    config: { access: 'authenticated', isAllowedWhileRestricted: true, isTenantOptional: true },
  }, async (request) => {
    const me = await auth.describeActor(request.actor!)
    const tenant = request.tenant
    return {
      user: userView(me.user, me.passwordExpiresAt),
      tenant: tenant ? { id: tenant.id, slug: tenant.slug, name: tenant.name, kind: tenant.kind } : null,
      memberships: me.roles.map(membershipView),
      permissions: tenant ? [...tenant.permissions].sort() : [],
      csrfToken: request.session?.csrfToken ?? null,
      mustEnrolTotp: request.session?.mustEnrolTotp ?? false,
      mustChangePassword: request.session?.mustChangePassword ?? false,
    }
  })
}
