import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Database } from '../db/database.js'
import type { Authenticated, AuthService, ClientInfo, SessionState } from '../modules/identity/auth.service.js'
import { isCsrfValid } from '../modules/identity/auth.service.js'
import { requireAccess, type Actor, type RouteAccess, type TenantContext } from './access.js'
import { recordAudit, type AuditContext } from './audit.js'
import { AppError, errorCatalogue, type ErrorCode, type FieldError } from './errors.js'
import { isPermissionCode } from './permissions.js'

export const SESSION_COOKIE = 'rongmei_session'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Required on every /api route: a permission code, 'authenticated' or 'public'. */
    access?: RouteAccess
    /** Allowed while the session still has to set up 2FA or change its password. */
    isAllowedWhileRestricted?: boolean
    /** The route works without an acting tenant (a user with no memberships yet). */
    isTenantOptional?: boolean
  }
  interface FastifyRequest {
    actor: Actor | null
    tenant: TenantContext | null
    session: SessionState | null
    /** Who/where for audit entries written while serving this request. */
    auditContext: AuditContext
    client: ClientInfo
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

export interface Problem {
  type: string
  title: string
  status: number
  detail: string
  code: string
  instance: string
  requestId: string
  errors?: FieldError[]
  [extra: string]: unknown
}

function problemOf(request: FastifyRequest, code: ErrorCode | string, status: number, detail: string, extra: Record<string, unknown> = {}): Problem {
  const title = (errorCatalogue as Record<string, { title: string }>)[code]?.title ?? 'Error'
  return { type: `urn:rongmei:problem:${code}`, title, status, detail, code, instance: request.url.split('?')[0], requestId: String(request.id), ...extra }
}

function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply.status(problem.status).type('application/problem+json; charset=utf-8').send(problem)
}

/** Maps what Fastify and its plugins throw onto the error catalogue. */
function toProblem(request: FastifyRequest, error: FastifyError | AppError): Problem {
  if (error instanceof AppError) {
    return problemOf(request, error.code, error.status, error.message, { ...(error.errors ? { errors: error.errors } : {}), ...error.extra })
  }
  if (error.validation) {
    const errors = error.validation.map((v) => {
      // A missing or an unexpected property is named itself, not its parent object.
      const params = v.params as { missingProperty?: string; additionalProperty?: string }
      const named = params?.missingProperty ?? params?.additionalProperty
      const base = (v.instancePath || '').replace(/^\//, '').replace(/\//g, '.')
      const field = [error.validationContext === 'body' ? '' : error.validationContext, base, named].filter(Boolean).join('.') || error.validationContext || 'body'
      return { field, message: v.message ?? 'is not valid' }
    })
    return problemOf(request, 'VALIDATION_FAILED', 400, errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors })
  }
  const status = error.statusCode ?? 500
  if (status === 413) return problemOf(request, 'BODY_TOO_LARGE', 413, 'The request body is larger than the server accepts')
  if (status === 415) return problemOf(request, 'UNSUPPORTED_MEDIA_TYPE', 415, error.message)
  if (status === 429) return problemOf(request, 'RATE_LIMITED', 429, 'Too many requests; try again later')
  if (status >= 400 && status < 500) return problemOf(request, 'VALIDATION_FAILED', status === 404 ? 404 : 400, error.message)
  return problemOf(request, 'INTERNAL', 500, 'Something went wrong on the server; the request id helps the administrator find it')
}

function clientOf(request: FastifyRequest): ClientInfo {
  return { ip: request.ip ?? null, userAgent: (request.headers['user-agent'] as string | undefined) ?? null, requestId: String(request.id) }
}

/**
 * The request pipeline every API route goes through: authenticate (session cookie or bearer
 * token), check CSRF on unsafe cookie requests, pick the tenant, then the route's declared
 * permission via requireAccess. Routes without a declared access level refuse to register.
 */
export const httpKernel = fp<{ db: Database; auth: AuthService }>(async (app: FastifyInstance, { db, auth }) => {
  app.decorateRequest('actor', null)
  app.decorateRequest('tenant', null)
  app.decorateRequest('session', null)
  app.decorateRequest('auditContext', null as unknown as AuditContext)
  app.decorateRequest('client', null as unknown as ClientInfo)

  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/v1')) return
    const access = route.config?.access
    if (!access) throw new Error(`route ${route.method} ${route.url} declares no access level`)
    if (access !== 'public' && access !== 'authenticated' && !isPermissionCode(access)) {
      throw new Error(`route ${route.method} ${route.url} names unknown permission ${access}`)
    }
  })

  app.addHook('onRequest', async (request, reply) => {
    request.client = clientOf(request)
    request.auditContext = { actorId: null, actorName: null, tenantId: null, ip: request.client.ip, requestId: request.client.requestId }
    reply.header('x-request-id', String(request.id))
    const config = request.routeOptions.config
    const access = config?.access
    if (!access || access === 'public') return

    const authorization = request.headers.authorization
    let authenticated: Authenticated
    if (authorization?.startsWith('Bearer ')) {
      authenticated = await auth.authenticateToken(authorization.slice(7).trim())
    } else {
      const cookie = request.cookies[SESSION_COOKIE]
      if (!cookie) throw new AppError('AUTH_REQUIRED')
      try {
        authenticated = await auth.authenticateSession(cookie)
      } catch (error) {
        reply.clearCookie(SESSION_COOKIE, { path: '/' })
        throw error
      }
      if (UNSAFE.has(request.method) && !isCsrfValid(authenticated.session!, request.headers['x-csrf-token'] as string | undefined)) {
        throw new AppError('CSRF_INVALID')
      }
    }
    request.actor = authenticated.actor
    request.session = authenticated.session ?? null
    request.auditContext.actorId = authenticated.actor.userId
    request.auditContext.actorName = authenticated.actor.username

    const session = authenticated.session
    if (session && !config.isAllowedWhileRestricted) {
      if (session.mustChangePassword) throw new AppError('PASSWORD_CHANGE_REQUIRED')
      if (session.mustEnrolTotp) throw new AppError('MFA_ENROLMENT_REQUIRED')
    }

    const ref = request.headers['x-tenant'] as string | undefined
    try {
      request.tenant = await auth.resolveTenant({ actor: authenticated.actor, ref: ref?.trim() || undefined, token: authenticated.token })
      request.auditContext.tenantId = request.tenant.id
    } catch (error) {
      if (!(config.isTenantOptional && !ref && error instanceof AppError && error.code === 'TENANT_NOT_FOUND')) throw error
    }

    if (access !== 'authenticated') {
      try {
        requireAccess({ actor: request.actor, tenant: request.tenant, permission: access })
      } catch (error) {
        if (error instanceof AppError && error.code === 'FORBIDDEN') {
          await recordAudit(db, {
            ...request.auditContext, action: 'access.denied', outcome: 'denied',
            details: { permission: access, method: request.method, route: request.routeOptions.url },
          })
        }
        throw error
      }
    }
  })

  app.setErrorHandler(async (error: FastifyError | AppError, request, reply) => {
    const problem = toProblem(request, error)
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed')
    else request.log.info({ code: problem.code, status: problem.status }, 'request refused')
    return sendProblem(reply, problem)
  })

  app.setNotFoundHandler(async (request, reply) => {
    return sendProblem(reply, problemOf(request, 'NOT_FOUND', 404, `No route ${request.method} ${request.url.split('?')[0]}`))
  })
})
