import { sql, type Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DB } from '../../db/schema.js'
import { recordAudit, rowHash, verifyAuditChain } from '../../kernel/audit.js'
import { createTestDatabase, type TestDatabase } from '../../../test/harness.js'

/** Runs `fn` as the owner with the append-only trigger off, the way an intruder with owner rights would. */
async function tamper(t: TestDatabase, fn: (owner: Kysely<DB>) => Promise<unknown>): Promise<void> {
  await t.db.runAsOwner(async (owner) => {
    await sql`alter table audit_log disable trigger audit_log_no_update`.execute(owner)
    try {
      await fn(owner)
    } finally {
      await sql`alter table audit_log enable trigger audit_log_no_update`.execute(owner)
    }
  })
}

async function row(t: TestDatabase, seq: number) {
  return t.db.runAsOwner((owner) => owner.selectFrom('audit_log').selectAll().where('seq', '=', String(seq)).executeTakeFirstOrThrow())
}

type Row = Awaited<ReturnType<typeof row>>

async function put(owner: Kysely<DB>, r: Row): Promise<void> {
  await owner.insertInto('audit_log').values({ ...r, details: JSON.stringify(r.details) }).execute()
}

describe('verifyAuditChain', { timeout: 30_000 }, () => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await createTestDatabase()
    for (let i = 1; i <= 10; i++) {
      await recordAudit(t.db, { action: 'test.event', actorName: `user-${i}`, outcome: i % 3 === 0 ? 'failure' : 'success', details: { i, 说明: '测试' } })
    }
  }, 60_000)
  afterAll(async () => { await t.drop() }, 60_000)

  it('passes an untouched chain, checking every row', async () => {
    expect(await verifyAuditChain(t.db)).toEqual({ ok: true, checked: 10, firstBadSeq: null, reason: null })
    expect(await verifyAuditChain(t.db, { batchSize: 3 })).toEqual({ ok: true, checked: 10, firstBadSeq: null, reason: null })
  })

  it('names a middle row whose content was altered', async () => {
    const original = await row(t, 5)
    await tamper(t, (o) => o.updateTable('audit_log').set({ details: JSON.stringify({ i: 5, 说明: '改过' }) }).where('seq', '=', '5').execute())
    expect(await verifyAuditChain(t.db, { batchSize: 3 })).toEqual({ ok: false, checked: 4, firstBadSeq: '5', reason: 'row 5 was altered' })
    await tamper(t, (o) => o.updateTable('audit_log').set({ at: new Date(new Date(original.at).getTime() + 1000) }).where('seq', '=', '5').execute())
    expect((await verifyAuditChain(t.db)).reason).toBe('row 5 was altered')
    await tamper(t, (o) => o.updateTable('audit_log').set({ details: JSON.stringify(original.details), at: original.at }).where('seq', '=', '5').execute())
    expect((await verifyAuditChain(t.db)).ok).toBe(true)
  })

  it('names the next row when an altered row got a recomputed hash', async () => {
    const original = await row(t, 5)
    const forged = { ...original, outcome: 'success' as const, details: { i: 5, forged: true } }
    await tamper(t, (o) => o.updateTable('audit_log').set({ outcome: forged.outcome, details: JSON.stringify(forged.details), hash: rowHash(forged) }).where('seq', '=', '5').execute())
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: false, firstBadSeq: '6', reason: 'row 6 does not follow its predecessor' })
    await tamper(t, (o) => o.updateTable('audit_log').set({ outcome: original.outcome, details: JSON.stringify(original.details), hash: original.hash }).where('seq', '=', '5').execute())
    expect((await verifyAuditChain(t.db)).ok).toBe(true)
  })

  it('names a removed middle row', async () => {
    const original = await row(t, 5)
    await tamper(t, (o) => o.deleteFrom('audit_log').where('seq', '=', '5').execute())
    expect(await verifyAuditChain(t.db)).toEqual({ ok: false, checked: 4, firstBadSeq: '5', reason: 'row 5 is missing' })
    await tamper(t, (o) => put(o, original))
    expect((await verifyAuditChain(t.db)).ok).toBe(true)
  })

  it('names the removed newest row: the chain head still counts it', async () => {
    const original = await row(t, 10)
    await tamper(t, (o) => o.deleteFrom('audit_log').where('seq', '=', '10').execute())
    const result = await verifyAuditChain(t.db)
    expect(result).toMatchObject({ ok: false, checked: 9, firstBadSeq: '10' })
    expect(result.reason).toMatch(/rows after 9 were removed/)
    await tamper(t, (o) => put(o, original))
    expect((await verifyAuditChain(t.db)).ok).toBe(true)
  })

  it('names rows whose hashes were reordered', async () => {
    const [four, five] = [await row(t, 4), await row(t, 5)]
    // Swap the two rows' chain links: each row now carries the other's hashes.
    await tamper(t, async (o) => {
      await o.updateTable('audit_log').set({ hash: five.hash, prev_hash: five.prev_hash }).where('seq', '=', '4').execute()
      await o.updateTable('audit_log').set({ hash: four.hash, prev_hash: four.prev_hash }).where('seq', '=', '5').execute()
    })
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: false, firstBadSeq: '4', reason: 'row 4 does not follow its predecessor' })
    await tamper(t, async (o) => {
      await o.updateTable('audit_log').set({ hash: four.hash, prev_hash: four.prev_hash }).where('seq', '=', '4').execute()
      await o.updateTable('audit_log').set({ hash: five.hash, prev_hash: five.prev_hash }).where('seq', '=', '5').execute()
    })
    expect((await verifyAuditChain(t.db)).ok).toBe(true)
  })

  it('names the first gap when rows were removed and the rest renumbered', async () => {
    const rows = await t.db.runAsOwner((o) => o.selectFrom('audit_log').selectAll().where('seq', '>=', '7').orderBy('seq').execute())
    await tamper(t, async (o) => {
      await o.deleteFrom('audit_log').where('seq', '>=', '7').execute()
      for (const r of rows.slice(1)) await put(o, { ...r, seq: String(Number(r.seq) - 1) })
      await o.updateTable('audit_head').set({ seq: '9' }).execute()
    })
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: false, firstBadSeq: '7' })
    await tamper(t, async (o) => {
      await o.deleteFrom('audit_log').where('seq', '>=', '7').execute()
      for (const r of rows) await put(o, r)
      await o.updateTable('audit_head').set({ seq: '10' }).execute()
    })
    expect((await verifyAuditChain(t.db)).ok).toBe(true)
  })
})
