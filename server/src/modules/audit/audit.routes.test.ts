import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inScope, systemScope, tenantScope } from '../../db/scope.js'
import { buildTestApp, signIn, type Client, type TestApp } from '../../../test/harness.js'
import { auditEntries, grantRole, tenantIds } from '../../../test/factories/tenancy.js'
import { listAuditRows } from './audit.store.js'

async function failLogin(t: TestApp, username: string): Promise<void> {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: 'wrong-password' } })
  expect(res.statusCode).toBe(401)
}

describe('audit log API', { timeout: 30_000 }, () => {
  let t: TestApp
  let auditor: Client
  let ids: Record<string, string>

  beforeAll(async () => {
    t = await buildTestApp()
    ids = await tenantIds(t.db)
    // Entries in several tenants, and two without a tenant (unknown usernames).
    await failLogin(t, 'nobody-at-all')
    await failLogin(t, '=cmd|calc')
    await failLogin(t, 'district-a.editor')
    await failLogin(t, 'district-b.editor')
    await signIn(t.app, 'district-a.reporter')
    await signIn(t.app, 'district-b.reporter')
    auditor = await signIn(t.app, 'auditor')
  }, 60_000)
  afterAll(async () => { await t.close() }, 60_000)

  it('lists entries newest first to the auditor, rows without a tenant included at the platform root', async () => {
    const res = await auditor.get('/api/v1/audit?limit=200')
    expect(res.statusCode).toBe(200)
    const items = res.json().items
    const seqs = items.map((i: { seq: string }) => Number(i.seq))
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a))
    expect(items[0]).toMatchObject({ action: 'auth.login', actorName: 'auditor', outcome: 'success', tenantId: ids.demo, tenantSlug: 'demo' })
    expect(items[0]).toEqual(expect.objectContaining({ at: expect.any(String), ip: expect.any(String), requestId: expect.any(String), details: expect.any(Object) }))
    const unattributed = items.filter((i: { tenantId: string | null }) => i.tenantId === null)
    expect(unattributed.map((i: { actorName: string }) => i.actorName).sort()).toEqual(['=cmd|calc', 'nobody-at-all'])
    expect(res.json().nextCursor).toBeNull()
  })

  it('keeps the platform admin out (separation of duties) and records the refusal', async () => {
    const admin = await signIn(t.app, 'admin')
    for (const url of ['/api/v1/audit', '/api/v1/audit/export.csv', '/api/v1/audit/verify']) {
      const res = await admin.get(url)
      expect(res.statusCode).toBe(403)
      expect(res.json().code).toBe('FORBIDDEN')
    }
    const denied = await auditEntries(t.db, 'access.denied')
    expect(denied[0]).toMatchObject({ actor_name: 'admin', outcome: 'denied' })
  })

  it('offers no route that changes or deletes an entry, and the database refuses both', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
      for (const url of ['/api/v1/audit', '/api/v1/audit/:seq', '/api/v1/audit/verify']) expect(t.app.hasRoute({ method, url })).toBe(false)
      const res = await auditor.request({ method, url: '/api/v1/audit/1' })
      expect(res.statusCode).toBe(404)
    }
    await expect(inScope(t.db, systemScope, (trx) => trx.deleteFrom('audit_log').where('seq', '=', '1').execute())).rejects.toThrow(/permission denied/)
    await expect(inScope(t.db, systemScope, (trx) => trx.updateTable('audit_log').set({ action: 'x' }).execute())).rejects.toThrow(/permission denied/)
    await expect(t.db.runAsOwner((owner) => sql`delete from audit_log where seq = 1`.execute(owner))).rejects.toThrow(/append-only/)
  })

  it('filters by exact action, action prefix, actor name or id, outcome and tenant', async () => {
    const exact = (await auditor.get('/api/v1/audit?action=auth.login_failed')).json().items
    expect(exact.length).toBe(4)
    expect(new Set(exact.map((i: { action: string }) => i.action))).toEqual(new Set(['auth.login_failed']))

    const prefix = (await auditor.get('/api/v1/audit?action=auth.*&limit=200')).json().items
    expect(new Set(prefix.map((i: { action: string }) => i.action))).toEqual(new Set(['auth.login', 'auth.login_failed']))

    const byName = (await auditor.get('/api/v1/audit?actor=A.REPORTER')).json().items
    expect(byName.map((i: { actorName: string }) => i.actorName)).toEqual(['district-a.reporter'])
    const byId = (await auditor.get(`/api/v1/audit?actor=${byName[0].actorId}`)).json().items
    expect(byId.map((i: { seq: string }) => i.seq)).toEqual([byName[0].seq])

    const failures = (await auditor.get('/api/v1/audit?outcome=failure')).json().items
    expect(failures.length).toBe(4)

    const inB = (await auditor.get(`/api/v1/audit?tenantId=${ids['district-b']}`)).json().items
    expect(inB.length).toBeGreaterThan(0)
    expect(new Set(inB.map((i: { tenantId: string }) => i.tenantId))).toEqual(new Set([ids['district-b']]))
  })

  it('filters by time: a date alone is a whole Shanghai day, `to` is exclusive', async () => {
    const all = (await auditor.get('/api/v1/audit?limit=200')).json().items
    const newest = all[0]
    const at = encodeURIComponent(newest.at)
    expect((await auditor.get(`/api/v1/audit?from=${at}&limit=200`)).json().items[0].seq).toBe(newest.seq)
    expect((await auditor.get(`/api/v1/audit?to=${at}&limit=200`)).json().items.map((i: { seq: string }) => i.seq)).not.toContain(newest.seq)
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10)
    expect((await auditor.get(`/api/v1/audit?from=${today}&to=${today}&limit=200`)).json().items.length).toBe(all.length)
    expect((await auditor.get('/api/v1/audit?to=2020-01-01')).json().items).toEqual([])
  })

  it('pages with an opaque cursor, without overlap', async () => {
    const all = (await auditor.get('/api/v1/audit?limit=200')).json().items.map((i: { seq: string }) => i.seq)
    const seen: string[] = []
    let url = '/api/v1/audit?limit=3'
    for (;;) {
      const page = (await auditor.get(url)).json()
      seen.push(...page.items.map((i: { seq: string }) => i.seq))
      if (!page.nextCursor) break
      url = `/api/v1/audit?limit=3&cursor=${page.nextCursor}`
    }
    expect(seen).toEqual(all)
  })

  it('answers 400 naming the field for bad filters and cursors', async () => {
    for (const [query, field] of [
      ['from=yesterday', 'querystring.from'], ['outcome=maybe', 'querystring.outcome'], ['tenantId=abc', 'querystring.tenantId'],
      ['cursor=not-a-cursor', 'querystring.cursor'], ['from=2026-02-01&to=2026-01-01', 'querystring.to'], ['action=DROP TABLE', 'querystring.action'],
    ]) {
      const res = await auditor.get(`/api/v1/audit?${query}`)
      expect(res.statusCode, query).toBe(400)
      expect(res.json().errors.map((e: { field: string }) => e.field), query).toContain(field)
    }
  })

  it('answers /verify with the chain check', async () => {
    const res = await auditor.get('/api/v1/audit/verify')
    expect(res.statusCode).toBe(200)
    const head = await t.db.kysely.selectFrom('audit_head').select('seq').executeTakeFirstOrThrow()
    expect(res.json()).toEqual({ ok: true, checked: Number(head.seq), firstBadSeq: null, reason: null })
  })

  describe('an auditor of a center', () => {
    let centerAuditor: Client
    beforeAll(async () => {
      await grantRole(t.db, { username: 'district-a.leader', role: 'auditor', tenant: 'district-a', extendsToDescendants: true })
      centerAuditor = await signIn(t.app, 'district-a.leader', { tenant: 'district-a' })
    }, 30_000)

    it('sees only its subtree: no other center, no rows without a tenant', async () => {
      const items = (await centerAuditor.get('/api/v1/audit?limit=200')).json().items
      expect(items.length).toBeGreaterThan(0)
      const subtree = new Set([ids['district-a'], ids['district-a-gov'], ids['district-a-edu'], ids['district-a-health']])
      for (const item of items) expect(subtree.has(item.tenantId)).toBe(true)
      expect(items.map((i: { actorName: string }) => i.actorName)).toContain('district-a.editor')
    })

    it('answers 404 for a tenant outside its scope, and filters to one inside it', async () => {
      const res = await centerAuditor.get(`/api/v1/audit?tenantId=${ids['district-b']}`)
      expect(res.statusCode).toBe(404)
      expect(res.json()).not.toHaveProperty('items')
      expect((await centerAuditor.get(`/api/v1/audit?tenantId=${ids.demo}`)).statusCode).toBe(404)
      expect((await centerAuditor.get(`/api/v1/audit?tenantId=${ids['district-a-gov']}`)).statusCode).toBe(200)
    })

    it('cannot reach other rows even when the store is asked directly: RLS holds underneath', async () => {
      const scope = tenantScope(ids['district-a'])
      await expect(inScope(t.db, scope, (trx) => listAuditRows(trx, scope, { tenantIds: [ids['district-b']], isUnattributedIncluded: false }, {}, 10)))
        .rejects.toThrow(/outside the tenant scope/)
      const leaked = await inScope(t.db, scope, (trx) => sql<{ n: number }>`select count(*)::int as n from audit_log where tenant_id is distinct from ${ids['district-a']}::uuid`.execute(trx))
      expect(leaked.rows[0].n).toBe(0)
    })
  })
})
