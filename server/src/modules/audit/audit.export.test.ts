import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inScope, systemScope } from '../../db/scope.js'
import { createSecretBox } from '../../kernel/secrets.js'
import { createAuthService } from '../identity/auth.service.js'
import { buildTestApp, signIn, type Client, type TestApp } from '../../../test/harness.js'
import { auditEntries, grantRole, tenantIds } from '../../../test/factories/tenancy.js'
import { createAuditService, csvCell, parseInstant, shanghaiTime } from './audit.service.js'

const BOM = '\uFEFF'

/** Splits our CSV into rows of cells (quoted cells may hold commas, quotes and newlines). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let isQuoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (isQuoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++ } else if (c === '"') isQuoted = false
      else cell += c
    } else if (c === '"') isQuoted = true
    else if (c === ',') { row.push(cell); cell = '' }
    else if (c === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++ }
    else cell += c
  }
  return rows
}

describe('audit CSV export', { timeout: 30_000 }, () => {
  let t: TestApp
  let auditor: Client
  let ids: Record<string, string>

  beforeAll(async () => {
    t = await buildTestApp()
    ids = await tenantIds(t.db)
    for (const username of ['=HYPERLINK("http://evil")', 'nobody, "quoted"', 'district-a.editor']) {
      await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: 'wrong-password' } })
    }
    await signIn(t.app, 'district-b.chief')
    auditor = await signIn(t.app, 'auditor')
  }, 60_000)
  afterAll(async () => { await t.close() }, 60_000)

  it('streams UTF-8 CSV with a BOM, Chinese headers, Shanghai times, the same rows as the list', async () => {
    const list = (await auditor.get('/api/v1/audit?limit=200')).json().items
    const res = await auditor.get('/api/v1/audit/export.csv')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="audit-\d{8}-\d{6}\.csv"$/)
    expect(res.body.startsWith(BOM)).toBe(true)
    const [header, ...rows] = parseCsv(res.body.slice(1))
    expect(header).toEqual(['序号', '时间（北京时间）', '机构', '操作人', '操作', '对象', '结果', 'IP', '请求号', '详情'])
    expect(rows.map((r) => r[0])).toEqual(list.map((i: { seq: string }) => i.seq))
    const first = rows[0]
    expect(first[1]).toBe(shanghaiTime(list[0].at))
    expect(first[1]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/)
    expect(first.slice(2, 7)).toEqual(['demo', 'auditor', 'auth.login', '', 'success'])
    expect(JSON.parse(first[9])).toEqual(list[0].details)
  })

  it('neutralises cells a spreadsheet would run as formulas, and quotes commas and quotes', async () => {
    const res = await auditor.get('/api/v1/audit/export.csv?action=auth.login_failed')
    const rows = parseCsv(res.body.slice(1)).slice(1)
    const actors = rows.map((r) => r[3])
    expect(actors).toContain(`'=HYPERLINK("http://evil")`)
    expect(actors).toContain('nobody, "quoted"')
    expect(actors).toContain('district-a.editor')
    expect(rows.every((r) => r[4] === 'auth.login_failed')).toBe(true)
    expect(csvCell('-1+2')).toBe("'-1+2")
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)")
  })

  it('audits the export with its filters, and the file stops just before that entry', async () => {
    const res = await auditor.get(`/api/v1/audit/export.csv?outcome=success&tenantId=${ids['district-b']}`)
    expect(res.statusCode).toBe(200)
    const [entry] = await auditEntries(t.db, 'audit.export')
    expect(entry).toMatchObject({ actor_name: 'auditor', tenant_id: ids.demo, outcome: 'success' })
    expect(entry.details).toMatchObject({ filters: { outcome: 'success', tenantId: ids['district-b'] } })
    const rows = parseCsv(res.body.slice(1)).slice(1)
    expect(rows.map((r) => r[4])).toEqual(['auth.login'])
    expect(rows[0][3]).toBe('district-b.chief')
    expect(rows.every((r) => BigInt(r[0]) < BigInt(entry.seq))).toBe(true)

    const next = parseCsv((await auditor.get('/api/v1/audit/export.csv?action=audit.*')).body.slice(1)).slice(1)
    expect(next[0][0]).toBe(String(entry.seq))
    expect(next[0][5]).toBe('audit_log')
    expect(JSON.parse(next[0][9])).toMatchObject({ filters: { outcome: 'success' }, format: 'csv' })
    expect(next.every((r) => r[4] === 'audit.export')).toBe(true)
  })

  it('refuses a tenant outside the scope with 404 and writes nothing', async () => {
    await grantRole(t.db, { username: 'district-a.leader', role: 'auditor', tenant: 'district-a', extendsToDescendants: true })
    const center = await signIn(t.app, 'district-a.leader', { tenant: 'district-a' })
    const before = (await auditEntries(t.db, 'audit.export')).length
    const res = await center.get(`/api/v1/audit/export.csv?tenantId=${ids['district-b']}`)
    expect(res.statusCode).toBe(404)
    expect((await auditEntries(t.db, 'audit.export')).length).toBe(before)
    const own = parseCsv((await center.get('/api/v1/audit/export.csv')).body.slice(1)).slice(1)
    expect(own.length).toBeGreaterThan(0)
    expect(new Set(own.map((r) => r[2]))).toEqual(new Set(['district-a']))
  })

  it('produces the same file in small batches as in one', async () => {
    const auth = createAuthService({ db: t.db, secretBox: createSecretBox(Buffer.alloc(32)) })
    const user = await inScope(t.db, systemScope, (trx) => trx.selectFrom('users').selectAll().where('username', '=', 'auditor').executeTakeFirstOrThrow())
    const actor = { userId: user.id, username: user.username, displayName: user.display_name, isDemo: true, via: 'session' as const }
    const tenant = await auth.resolveTenant({ actor })
    const audit = { actorId: user.id, actorName: user.username, tenantId: tenant.id, ip: null, requestId: null }
    const collect = async (exportBatchSize: number) => {
      const { lines } = await createAuditService({ db: t.db, exportBatchSize }).exportCsv({ actor, tenant, query: { to: '2999-01-01' }, audit })
      let text = ''
      for await (const chunk of lines) text += chunk
      return parseCsv(text.slice(1)).slice(1).map((r) => r.slice(0, 5).concat(r.slice(6)))
    }
    const whole = await collect(500)
    const batched = await collect(2)
    // The second export also sees the first one's entry; otherwise the files agree row for row.
    expect(batched.slice(1)).toEqual(whole)
    expect(batched[0][4]).toBe('audit.export')
    expect(whole.length).toBeGreaterThan(5)
  })
})

describe('filter times', () => {
  it('reads a date alone as a whole Asia/Shanghai day and a bare time as Shanghai time', () => {
    expect(parseInstant('2026-05-01', 'from').toISOString()).toBe('2026-04-30T16:00:00.000Z')
    expect(parseInstant('2026-05-01', 'to').toISOString()).toBe('2026-05-01T16:00:00.000Z')
    expect(parseInstant('2026-05-01T08:30', 'from').toISOString()).toBe('2026-05-01T00:30:00.000Z')
    expect(parseInstant('2026-05-01 08:30:00+0000', 'from').toISOString()).toBe('2026-05-01T08:30:00.000Z')
    expect(parseInstant('2026-05-01T08:30:00Z', 'to').toISOString()).toBe('2026-05-01T08:30:00.000Z')
    expect(() => parseInstant('2026-13-45', 'from')).toThrow(/from/)
  })
})
