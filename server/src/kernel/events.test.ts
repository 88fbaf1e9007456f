import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inScope, systemScope } from '../db/scope.js'
import { createTestDatabase, type TestDatabase } from '../../test/harness.js'
import { dispatchEvents, emitEvent, type DeliveredEvent } from './events.js'

describe('outbox events', () => {
  let t: TestDatabase
  beforeAll(async () => { t = await createTestDatabase() })
  afterAll(async () => { await t.drop() })

  it('delivers an event only when its transaction commits, once, to every subscriber', async () => {
    await inScope(t.db, systemScope, (trx) => emitEvent(trx, { type: 'test.committed', tenantId: null, payload: { n: 1 } }))
    await inScope(t.db, systemScope, async (trx) => {
      await emitEvent(trx, { type: 'test.rolled_back', tenantId: null, payload: {} })
      throw new Error('roll back')
    }).catch(() => {})
    const seen: DeliveredEvent[] = []
    const handlers = new Map([['test.committed', [async (e: DeliveredEvent) => { seen.push(e) }]], ['test.rolled_back', [async (e: DeliveredEvent) => { seen.push(e) }]]])
    expect(await dispatchEvents(t.db, handlers)).toBe(1)
    expect(seen.map((e) => [e.type, e.payload])).toEqual([['test.committed', { n: 1 }]])
    expect(await dispatchEvents(t.db, handlers)).toBe(0)
  })

  it('keeps a failed event pending with its error, and does not retry it before the backoff', async () => {
    await inScope(t.db, systemScope, (trx) => emitEvent(trx, { type: 'test.failing', tenantId: null, payload: {} }))
    let calls = 0
    const handlers = new Map([['test.failing', [async () => { calls++; throw new Error('channel down') }]]])
    expect(await dispatchEvents(t.db, handlers)).toBe(0)
    expect(await dispatchEvents(t.db, handlers)).toBe(0)
    expect(calls).toBe(1)
    const row = await inScope(t.db, systemScope, (trx) => trx.selectFrom('outbox_events').selectAll().where('type', '=', 'test.failing').executeTakeFirstOrThrow())
    expect(row.delivered_at).toBeNull()
    expect(row.last_error).toBe('channel down')
    expect(row.attempts).toBe(1)
  })
})
