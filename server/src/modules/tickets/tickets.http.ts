import type { FastifyRequest } from 'fastify'
import type { TicketActing } from './tickets.core.js'

/** The signed-in user acting on tickets in the request's tenant. */
export function actingOf(request: FastifyRequest): TicketActing & { actorId: string } {
  return { actorId: request.actor!.userId, actorName: request.actor!.displayName, tenant: request.tenant!, audit: request.auditContext }
}
