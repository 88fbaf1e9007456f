import { sql } from 'kysely'
import type { Database } from '../db/database.js'
import { inScope, systemScope, type Tx } from '../db/scope.js'

/** A domain event as modules emit it, e.g. `story.submitted` with the story id. */
export interface DomainEvent {
  type: string
  tenantId: string | null
  payload: Record<string, unknown>
  /** Deliver no earlier than this (a deadline to act on, e.g. a retention period ending). */
  notBefore?: Date
}

export interface DeliveredEvent extends DomainEvent {
  id: string
  createdAt: Date
}

/** What a handler is given besides the event: the database the event came from. */
export interface EventContext {
  db: Database
}

export type EventHandler = (event: DeliveredEvent, context: EventContext) => Promise<void>

/**
 * Writes an event to the outbox inside the caller's transaction: the event exists exactly when
 * the change does, and is delivered after commit by `dispatchEvents`.
 */
export async function emitEvent(trx: Tx, event: DomainEvent): Promise<void> {
  await trx.insertInto('outbox_events').values({
    tenant_id: event.tenantId, type: event.type, payload: JSON.stringify(event.payload),
    ...(event.notBefore ? { next_attempt_at: event.notBefore } : {}),
  }).execute()
}

const MAX_BACKOFF_MS = 15 * 60_000

/**
 * Delivers up to `batchSize` pending events to the handlers subscribed to their type.
 * Rows are claimed with SKIP LOCKED so several workers can share the outbox; a failing handler
 * leaves its event pending with exponential backoff, the others are marked delivered.
 * @returns how many events were delivered.
 */
export async function dispatchEvents(db: Database, handlers: ReadonlyMap<string, EventHandler[]>, { batchSize = 50 } = {}): Promise<number> {
  const claimed = await inScope(db, systemScope, async (trx) => {
    const rows = await trx.selectFrom('outbox_events').selectAll()
      .where('delivered_at', 'is', null).where('next_attempt_at', '<=', new Date())
      .orderBy('id').limit(batchSize).forUpdate().skipLocked().execute()
    if (rows.length > 0) {
      // Push the claim forward so a crashed worker's batch is retried later, not lost.
      await trx.updateTable('outbox_events').set({ next_attempt_at: sql`now() + interval '5 minutes'`, attempts: sql`attempts + 1` })
        .where('id', 'in', rows.map((r) => r.id)).execute()
    }
    return rows
  })
  let delivered = 0
  for (const row of claimed) {
    const event: DeliveredEvent = { id: String(row.id), type: row.type, tenantId: row.tenant_id, payload: row.payload as Record<string, unknown>, createdAt: row.created_at }
    try {
      for (const handler of handlers.get(row.type) ?? []) await handler(event, { db })
      await inScope(db, systemScope, (trx) => trx.updateTable('outbox_events').set({ delivered_at: new Date(), last_error: null }).where('id', '=', row.id).execute())
      delivered++
    } catch (error) {
      const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(row.attempts + 1, 20))
      await inScope(db, systemScope, (trx) => trx.updateTable('outbox_events')
        .set({ last_error: String((error as Error).message ?? error).slice(0, 1000), next_attempt_at: new Date(Date.now() + delay) })
        .where('id', '=', row.id).execute())
    }
  }
  return delivered
}
