import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inScope, systemScope, tenantScope } from '../../db/scope.js'
import { buildTestApp, type TestApp } from '../../../test/harness.js'
import { createStory, decide, expectOk, proofread, setWorkflow, signInCrew, submit } from './review.testing.js'

const tables = ['review_workflows', 'review_cycles', 'review_decisions', 'proofread_rounds', 'check_overrides', 'editorial_errors', 'editorial_error_people']

/** Row-level security under the review stores: a query without a WHERE clause still sees one tenant. */
describe('row-level security of the review tables', () => {
  let t: TestApp
  const tenants: Record<string, string> = {}

  beforeAll(async () => {
    t = await buildTestApp()
    for (const center of ['district-a', 'district-b']) {
      const crew = await signInCrew(t, center)
      await setWorkflow(crew.chief, { proofreadRoundsRequired: 1 })
      const id = await createStory(crew.reporter, { body: '<p>报道称台湾总统出席。</p>' })
      expectOk(await crew.editor.post(`/api/v1/stories/${id}/check-overrides`, { ruleId: 'territory.taiwan-leader', start: 3, end: 7, reason: '引用原文，已核实' }), 201)
      expectOk(await submit(crew.reporter, id))
      expectOk(await decide(crew.editor, id, 'approve'))
      expectOk(await proofread(crew.proofreader, id))
      expectOk(await crew.editor.post(`/api/v1/stories/${id}/errors`, { foundStage: 'review', category: 'fact', description: '数字有误' }), 201)
      tenants[center] = (await crew.reporter.get('/api/v1/me')).json().tenant.id
    }
  }, 90_000)
  afterAll(async () => { await t.close() }, 60_000)

  it('shows a tenant scope only its own rows, whatever the query forgets', async () => {
    for (const table of tables) {
      const all = await inScope(t.db, systemScope, async (trx) => (await sql.raw<{ tenant_id: string }>(`select tenant_id from ${table}`).execute(trx)).rows)
      expect(new Set(all.map((r) => r.tenant_id)), table).toEqual(new Set(Object.values(tenants)))
      const scoped = await inScope(t.db, tenantScope(tenants['district-a']), async (trx) => (await sql.raw<{ tenant_id: string }>(`select tenant_id from ${table}`).execute(trx)).rows)
      expect(scoped.length, table).toBeGreaterThan(0)
      expect(scoped.every((r) => r.tenant_id === tenants['district-a']), table).toBe(true)
    }
  })

  it('keeps signed decisions as they were: the app role cannot rewrite or delete them', async () => {
    const scope = tenantScope(tenants['district-a'])
    await expect(inScope(t.db, scope, (trx) => sql`update review_decisions set comment = 'changed'`.execute(trx))).rejects.toThrow(/permission denied/)
    await expect(inScope(t.db, scope, (trx) => sql`delete from review_decisions`.execute(trx))).rejects.toThrow(/permission denied/)
    await expect(inScope(t.db, scope, (trx) => sql`update proofread_rounds set comment = 'changed'`.execute(trx))).rejects.toThrow(/permission denied/)
  })
})
