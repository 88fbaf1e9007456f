import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../app.js'
import { problemResponses } from '../../kernel/openapi.js'
import { PolicyInput, PolicyView } from './security.schema.js'
import { createSecurityService } from './security.service.js'

const tags = ['security']

/** GET/PUT /security/policy (security.policy.manage). */
export async function securityRoutes(app: FastifyInstance, { db }: AppDeps) {
  const security = createSecurityService({ db })

  app.get('/security/policy', {
    schema: { tags, summary: '安全策略', response: { 200: PolicyView, ...problemResponses(401, 403) } },
    config: { access: 'security.policy.manage' },
  }, async (request) => security.getPolicy({ tenant: request.tenant! }))

  app.put<{ Body: PolicyInput }>('/security/policy', {
    schema: { tags, summary: '修改安全策略', body: PolicyInput, response: { 200: PolicyView, ...problemResponses(400, 401, 403) } },
    config: { access: 'security.policy.manage' },
  }, async (request) => security.updatePolicy({
    actorId: request.actor!.userId, tenant: request.tenant!, audit: request.auditContext, policy: request.body,
  }))
}
