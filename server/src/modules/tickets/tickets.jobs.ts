import type { EventContext, EventHandler } from '../../kernel/events.js'
import type { PeriodicJob } from '../../kernel/worker.js'
import { isIsoDate } from '../calendar/calendar.js'
import { CALENDAR_CHANGED } from '../calendar/calendar.service.js'
import { createDeadlinesService } from './tickets.deadlines.js'

/** How often the overdue scan runs; a due reminder or 催办 is raised at most this late. */
export const SCAN_INTERVAL_MS = 60_000

/** A calendar change moves the deadlines of open tickets from its first changed date on. */
const recomputeDeadlines: EventHandler = async (event, { db }) => {
  const from = String(event.payload.from ?? '')
  if (isIsoDate(from)) await createDeadlinesService({ db }).recomputeOpenDeadlines({ from })
}

export const ticketSubscriptions: Array<[eventType: string, handler: EventHandler]> = [
  [CALENDAR_CHANGED, recomputeDeadlines],
]

export const ticketJobs: Array<(context: EventContext) => PeriodicJob> = [
  ({ db }) => {
    const deadlines = createDeadlinesService({ db })
    return { name: 'tickets.overdue-scan', intervalMs: SCAN_INTERVAL_MS, run: () => deadlines.scan() }
  },
]
