import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../../test/harness.js'
import { afterCommit, inScope, systemScope } from './scope.js'

describe('afterCommit', () => {
  let t: TestDatabase
  beforeAll(async () => { t = await createTestDatabase() }, 60_000)
  afterAll(async () => { await t.drop() })

  it('runs the callbacks once the transaction has committed, in the order given', async () => {
    const seen: string[] = []
    const result = await inScope(t.db, systemScope, async (trx) => {
      afterCommit(trx, () => seen.push('first'))
      afterCommit(trx, () => seen.push('second'))
      await sql`select 1`.execute(trx)
      seen.push('body done')
      return 42
    })
    expect(result).toBe(42)
    expect(seen).toEqual(['body done', 'first', 'second'])
  })

  it('never runs them when the transaction rolls back', async () => {
    const seen: string[] = []
    await expect(inScope(t.db, systemScope, async (trx) => {
      afterCommit(trx, () => seen.push('committed'))
      throw new Error('rolled back')
    })).rejects.toThrow('rolled back')
    expect(seen).toEqual([])
  })

  it('runs at once inside a transaction inScope did not open (nothing to wait for)', async () => {
    const seen: string[] = []
    await t.db.kysely.transaction().execute(async (trx) => {
      afterCommit(trx, () => seen.push('now'))
      expect(seen).toEqual(['now'])
    })
  })
})
