import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, testDbKind, type TestDatabase } from '../../test/harness.js'
import { embeddedMaintenanceJob, maintenanceJobs } from './maintenance.js'

/** reltuples is -1 until VACUUM or ANALYZE first looks at a table; then it holds their count. */
async function unanalysed(t: TestDatabase): Promise<string[]> {
  return t.db.runAsOwner(async (owner) => (await sql<{ relname: string }>`
    select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'r' and c.reltuples < 0 order by 1`.execute(owner)).rows.map((r) => r.relname))
}

describe('maintenance of the embedded database', () => {
  let t: TestDatabase
  beforeAll(async () => { t = await createTestDatabase({ isSeeded: true }) }, 60_000)
  afterAll(async () => { await t.drop() })

  it('is only started for the embedded database, and not when switched off', () => {
    expect(maintenanceJobs(t.db, { embeddedMaintenanceHours: 6 }).map((j) => j.name)).toEqual(testDbKind === 'pglite' ? ['db.embedded-maintenance'] : [])
    expect(maintenanceJobs(t.db, { embeddedMaintenanceHours: 0 })).toEqual([])
  })

  it('vacuums and analyses one table per tick until every table is done, then waits for the next round', async () => {
    let clock = 1_000_000
    const job = embeddedMaintenanceJob({ db: t.db, everyMs: 3_600_000, now: () => clock })
    const tables = await t.db.runAsOwner(async (owner) => (await sql<{ n: number }>`select count(*)::int as n from pg_tables where schemaname = 'public'`.execute(owner)).rows[0]!.n)
    const before = await unanalysed(t)

    await job.run()
    const afterOne = await unanalysed(t)
    expect(before.length - afterOne.length).toBeLessThanOrEqual(1)

    for (let i = 1; i < tables; i++) await job.run()
    expect(await unanalysed(t)).toEqual([])
    const counted = await t.db.runAsOwner(async (owner) => (await sql<{ reltuples: number }>`select reltuples from pg_class where relname = 'users'`.execute(owner)).rows[0]!.reltuples)
    expect(Number(counted)).toBeGreaterThan(10)

    // The round is over: nothing runs again before an hour has passed (the queue is not refilled).
    await t.db.runAsOwner((owner) => sql`create table maintenance_probe (id int)`.execute(owner))
    await job.run()
    expect(await unanalysed(t)).toEqual(['maintenance_probe'])
    clock += 3_600_000
    await job.run() // the next round starts in table-name order …
    for (let i = 0; i < tables + 1 && (await unanalysed(t)).length > 0; i++) await job.run()
    expect(await unanalysed(t)).toEqual([])
  }, 120_000)

  it('skips a table dropped after the round listed it', async () => {
    await t.db.runAsOwner((owner) => sql`create table zzz_dropped_soon (id int)`.execute(owner))
    const job = embeddedMaintenanceJob({ db: t.db, everyMs: 3_600_000 })
    await job.run() // lists every table, the last in name order being this one
    await t.db.runAsOwner((owner) => sql`drop table zzz_dropped_soon`.execute(owner))
    const tables = await t.db.runAsOwner(async (owner) => (await sql<{ n: number }>`select count(*)::int as n from pg_tables where schemaname = 'public'`.execute(owner)).rows[0]!.n)
    for (let i = 0; i < tables + 1; i++) await expect(job.run()).resolves.toBeUndefined()
  })
})
