import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AppDeps } from '../../app.js'
import { problemResponses } from '../../kernel/openapi.js'
import { PasswordChangeInput, TotpDisableInput, TotpEnableInput, TotpSetupReply } from './account.schema.js'
import { createAccountService, selfFrom } from './account.service.js'
import { tokenRoutes } from './tokens.routes.js'

const selfOf = (request: FastifyRequest) => selfFrom({ actor: request.actor!, sessionId: request.session?.id ?? null, audit: request.auditContext })

const tags = ['auth']
const noContent = { 204: { type: 'null' } }

/** Self-service: change password, set up and switch two-factor sign-in, personal API tokens. */
export async function accountRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db, secretBox, config } = deps
  await tokenRoutes(app, deps)
  const account = createAccountService({ db, secretBox })
  // Reachable while the session is restricted: these are exactly what lifts the restriction.
  const selfService = { access: 'authenticated', isAllowedWhileRestricted: true, isTenantOptional: true } as const
  const rateLimit = { max: config.loginRateLimitPerMinute, timeWindow: '1 minute' }

  app.post<{ Body: PasswordChangeInput }>('/auth/password', {
    schema: { tags, summary: '修改密码', body: PasswordChangeInput, response: { ...noContent, ...problemResponses(400, 401, 403, 429) } },
    config: { ...selfService, rateLimit },
  }, async (request, reply) => {
    await account.changePassword(selfOf(request), request.body)
    return reply.status(204).send()
  })

  app.post('/auth/totp/setup', {
    schema: { tags, summary: '开始设置两步验证', response: { 200: TotpSetupReply, ...problemResponses(401, 403, 409) } },
    config: selfService,
  }, async (request) => account.setupTotp(selfOf(request)))

  app.post<{ Body: TotpEnableInput }>('/auth/totp/enable', {
    schema: { tags, summary: '启用两步验证', body: TotpEnableInput, response: { ...noContent, ...problemResponses(400, 401, 403, 409, 429) } },
    config: { ...selfService, rateLimit },
  }, async (request, reply) => {
    await account.enableTotp(selfOf(request), request.body)
    return reply.status(204).send()
  })

  app.post<{ Body: TotpDisableInput }>('/auth/totp/disable', {
    schema: { tags, summary: '关闭两步验证', body: TotpDisableInput, response: { ...noContent, ...problemResponses(400, 401, 403, 409, 429) } },
    config: { access: 'authenticated', isTenantOptional: true, rateLimit },
  }, async (request, reply) => {
    await account.disableTotp(selfOf(request), request.body)
    return reply.status(204).send()
  })
}
