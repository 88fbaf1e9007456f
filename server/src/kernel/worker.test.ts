import { describe, expect, it } from 'vitest'
import type { Database } from '../db/database.js'
import { startWorkers } from './worker.js'

describe('periodic jobs of the workers', () => {
  it('run every interval, never overlapping themselves, report errors, and stop cleanly', async () => {
    let runs = 0
    let active = 0
    let maxActive = 0
    const errors: unknown[] = []
    const workers = startWorkers({
      // No events are dispatched in this test: a database that never answers would hang it.
      db: { kind: 'pglite', kysely: null as never } as unknown as Database,
      handlers: new Map(), intervalMs: 60_000, onError: (e) => errors.push(e),
      jobs: [{
        name: 'test', intervalMs: 5,
        async run() {
          active++
          maxActive = Math.max(maxActive, active)
          await new Promise((r) => setTimeout(r, 15))
          active--
          if (++runs === 2) throw new Error('second run fails')
        },
      }],
    })
    await new Promise((r) => setTimeout(r, 120))
    await workers.stop()
    const after = runs
    await new Promise((r) => setTimeout(r, 50))
    expect(runs).toBeGreaterThanOrEqual(3)
    expect(runs).toBe(after)
    expect(maxActive).toBe(1)
    expect(errors.map((e) => (e as Error).message)).toEqual(['second run fails'])
  })
})
