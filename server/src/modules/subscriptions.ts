import type { EventContext, EventHandler } from '../kernel/events.js'
import type { PeriodicJob } from '../kernel/worker.js'

/** Which module reacts to which domain event. Add a subscription here with one line. */
export const subscriptions: Array<[eventType: string, handler: EventHandler]> = [
  ...(await import('./assets/assets.subscriptions.js')).assetSubscriptions,
  ...(await import('./tickets/tickets.jobs.js')).ticketSubscriptions,
  ...(await import('./assets/ticket-attachments.js')).ticketAttachmentSubscriptions,
  ...(await import('./publishing/publishing.runtime.js')).publishingSubscriptions,
]

/** Work the workers do on a clock; each entry makes its job from the database. Add one here with one line. */
export const periodicJobs: Array<(context: EventContext) => PeriodicJob> = [
  ...(await import('./tickets/tickets.jobs.js')).ticketJobs,
  ...(await import('./publishing/publishing.runtime.js')).publishingJobs,
]

export function handlerMap(): Map<string, EventHandler[]> {
  const map = new Map<string, EventHandler[]>()
  for (const [type, handler] of subscriptions) map.set(type, [...(map.get(type) ?? []), handler])
  return map
}
