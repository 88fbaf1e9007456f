import type { Database } from '../../db/database.js'
import { inScope, tenantScope } from '../../db/scope.js'
import * as catalogue from './catalogue.store.js'
import * as queries from './queries.store.js'
import { closedStates, handlingStates, type TicketState } from './tickets.model.js'
import * as store from './tickets.store.js'

/**
 * Tickets as the Open311 module reads them (it owns no ticket tables): the active catalogue and
 * service requests of one center, with the names their views need.
 */
export interface Open311Filter {
  numbers?: string[]
  serviceCodes?: string[]
  start: Date
  end: Date
  statuses?: Array<'open' | 'closed'>
  limit: number
}

const openStates: TicketState[] = [...handlingStates, 'reply_review']

export function createOpen311Tickets({ db }: { db: Database }) {
  async function services(centerId: string): Promise<catalogue.ServiceRow[]> {
    const scope = tenantScope(centerId)
    return inScope(db, scope, (trx) => catalogue.listServices(trx, scope, { centerId, isActiveOnly: true }))
  }

  async function service(centerId: string, code: string): Promise<catalogue.ServiceRow | undefined> {
    const scope = tenantScope(centerId)
    const row = await inScope(db, scope, (trx) => catalogue.findService(trx, scope, { centerId, code }))
    return row?.is_active ? row : undefined
  }

  /** Requests with their services and lead departments' names; unknown service codes match nothing. */
  async function requests(centerId: string, f: Open311Filter) {
    const scope = tenantScope(centerId)
    return inScope(db, scope, async (trx) => {
      let serviceIds: string[] | undefined
      if (f.serviceCodes) {
        const all = await catalogue.listServices(trx, scope, { centerId, isActiveOnly: false })
        serviceIds = all.filter((s) => f.serviceCodes!.includes(s.code)).map((s) => s.id)
      }
      const states = f.statuses && f.statuses.length === 1 ? (f.statuses[0] === 'open' ? openStates : [...closedStates]) : undefined
      const rows = await queries.listForOpen311(trx, scope, { centerId, numbers: f.numbers, serviceIds, start: f.start, end: f.end, states, limit: f.limit })
      return {
        rows,
        services: await queries.servicesByIds(trx, scope, rows.map((r) => r.service_id)),
        names: await catalogue.tenantNames(trx, scope, rows.map((r) => r.lead_department_id).filter((x): x is string => Boolean(x))),
      }
    })
  }

  async function request(centerId: string, number: string) {
    return requests(centerId, { numbers: [number], start: new Date(0), end: new Date(), limit: 1 })
  }

  async function numberOf(centerId: string, ticketId: string): Promise<string | undefined> {
    const scope = tenantScope(centerId)
    return (await inScope(db, scope, (trx) => store.findTicketOfCenter(trx, scope, { centerId, id: ticketId })))?.number
  }

  return { services, service, requests, request, numberOf }
}

export type Open311Tickets = ReturnType<typeof createOpen311Tickets>
