import type { FastifyRequest } from 'fastify'
import type { ReviewActing } from './review.workflow.js'

/** The acting user, tenant and audit facts of a request, as the review services take them. */
export function actingOf(request: FastifyRequest): ReviewActing {
  return { actor: request.actor!, tenant: request.tenant!, audit: request.auditContext }
}
