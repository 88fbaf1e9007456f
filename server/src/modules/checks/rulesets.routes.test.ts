import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, signIn, type Client, type TestApp } from '../../../test/harness.js'
import { auditEntries, grantRole, tenantIds } from '../../../test/factories/tenancy.js'
import { inScope, tenantScope } from '../../db/scope.js'
import { createChecksService } from './checks.service.js'
import { defaultRuleSet } from './rules/index.js'
import { ruleSetLimits } from './rulesets.js'

const empty = { disabled: [], severities: [], terms: [], allow: [], exceptions: [] }
const ownTerm = { category: 'banned', severity: 'block', terms: ['某某热词'], message: '本中心禁止使用这个说法', suggestion: null }

describe('per-tenant rule sets', () => {
  let t: TestApp
  let chiefA: Client
  let reporterA: Client
  let chiefB: Client
  let unitChief: Client
  let unitReporter: Client

  beforeAll(async () => {
    t = await buildTestApp()
    chiefA = await signIn(t.app, 'district-a.chief')
    reporterA = await signIn(t.app, 'district-a.reporter')
    chiefB = await signIn(t.app, 'district-b.chief')
    // People of a unit under district A: a reporter, and a chief editor who may manage its rules.
    await grantRole(t.db, { username: 'district-a.section', role: 'reporter', tenant: 'district-a-gov' })
    await grantRole(t.db, { username: 'district-a.editor', role: 'chief_editor', tenant: 'district-a-gov' })
    unitReporter = await signIn(t.app, 'district-a.section', { tenant: 'district-a-gov' })
    unitChief = await signIn(t.app, 'district-a.editor', { tenant: 'district-a-gov' })
  }, 180_000)
  afterAll(async () => { await t.close() }, 60_000)

  const save = (client: Client, changes: Record<string, unknown>, expectedVersion: number, note = '') =>
    client.post('/api/v1/checks/rule-set/versions', { changes: { ...empty, ...changes }, note, expectedVersion })

  it('starts from the built-in rules with no versions', async () => {
    const res = await reporterA.get('/api/v1/checks/rule-set')
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ ruleSetVersion: defaultRuleSet.version, builtInVersion: defaultRuleSet.version, owner: null, active: null, versions: [] })
  })

  it('is saved only by holders of story.rules.manage', async () => {
    const denied = await save(reporterA, { disabled: ['banned.laowai'] }, 0)
    expect(denied.statusCode).toBe(403)
    expect(denied.json()).toMatchObject({ code: 'FORBIDDEN', permission: 'story.rules.manage' })
  })

  it('applies own terms, disabled rules, severity overrides, allow-list and exceptions at once, and audits the version', async () => {
    const text = '这位老外说某某热词。警钟常鸣。村里开了会。罪犯被抓。'
    const before = (await reporterA.post('/api/v1/checks', { text })).json()
    expect(before.hits.map((h: { ruleId: string }) => h.ruleId)).toEqual(expect.arrayContaining(['banned.laowai', 'typo.jingzhong', 'legal.convict']))

    const res = await save(chiefA, {
      terms: [ownTerm],
      disabled: ['banned.laowai'],
      severities: [{ ruleId: 'typo.jingzhong', severity: 'block' }],
      allow: ['罪犯被抓'],
      exceptions: [],
    }, 0, '第一版：本中心词表')
    expect(res.statusCode, res.body).toBe(201)
    const version = res.json()
    expect(version).toMatchObject({ version: 1, baseVersion: defaultRuleSet.version, note: '第一版：本中心词表', createdByName: expect.any(String) })
    expect(version.changes.terms[0].id).toMatch(/^custom\.[0-9a-f]{8}$/)

    const after = (await reporterA.post('/api/v1/checks', { text })).json()
    expect(after.ruleSetVersion).toBe(`${defaultRuleSet.version}+district-a.1`)
    expect(after.hits.map((h: { ruleId: string; severity: string; start: number; end: number }) => [h.ruleId, h.severity, text.slice(h.start, h.end)])).toEqual([
      [version.changes.terms[0].id, 'block', '某某热词'],
      ['typo.jingzhong', 'block', '警钟常鸣'],
    ])
    const [entry] = await auditEntries(t.db, 'checks.rule_set.save')
    expect(entry).toMatchObject({ target_type: 'check_rule_set', details: expect.objectContaining({ version: 1, note: '第一版：本中心词表' }) })
  })

  it('keeps versions immutable: each save is a new version, history and diff stay readable', async () => {
    const v1 = (await chiefA.get('/api/v1/checks/rule-set/versions/1')).json()
    const res = await save(chiefA, {
      ...v1.changes,
      exceptions: [{ ruleId: v1.changes.terms[0].id, phrase: '某某热词榜' }],
      allow: [],
    }, 1, '放开热词榜')
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json().version).toBe(2)
    expect((await chiefA.get('/api/v1/checks/rule-set/versions/1')).json()).toEqual(v1)

    const set = (await reporterA.get('/api/v1/checks/rule-set')).json()
    expect(set).toMatchObject({ ruleSetVersion: `${defaultRuleSet.version}+district-a.2`, owner: { isInherited: false }, active: { version: 2 } })
    expect(set.versions.map((v: { version: number }) => v.version)).toEqual([2, 1])
    const diff = (await reporterA.get('/api/v1/checks/rule-set/diff?from=1&to=2')).json().diff
    expect(diff.allow).toEqual({ added: [], removed: ['罪犯被抓'] })
    expect(diff.exceptions.added).toEqual([`${v1.changes.terms[0].id}:某某热词榜`])

    const hits = (await reporterA.post('/api/v1/checks', { text: '某某热词榜发布，某某热词。' })).json().hits
    expect(hits.map((h: { start: number }) => h.start)).toEqual([8])
    expect((await reporterA.get('/api/v1/checks/rule-set/versions/9')).statusCode).toBe(404)
  })

  it('refuses a save made from an old version (409) rather than losing the other save', async () => {
    const res = await save(chiefA, { disabled: ['banned.laowai'] }, 1)
    expect(res.statusCode).toBe(409)
    expect(res.json()).toMatchObject({ code: 'CONFLICT', currentVersion: 2 })
  })

  it('keeps tenants apart: a sibling center sees neither the versions nor their effect', async () => {
    expect((await chiefB.get('/api/v1/checks/rule-set')).json()).toMatchObject({ owner: null, versions: [] })
    expect((await chiefB.get('/api/v1/checks/rule-set/versions/1')).statusCode).toBe(404)
    const hits = (await chiefB.post('/api/v1/checks', { text: '某某热词' })).json().hits
    expect(hits).toEqual([])
  })

  it('lets a unit inherit its center\'s set until it saves its own', async () => {
    const inherited = (await unitReporter.get('/api/v1/checks/rule-set')).json()
    expect(inherited).toMatchObject({ ruleSetVersion: `${defaultRuleSet.version}+district-a.2`, owner: { isInherited: true }, active: { version: 2 }, versions: [] })
    expect((await unitReporter.post('/api/v1/checks', { text: '某某热词' })).json().hits).toHaveLength(1)

    const own = await save(unitChief, { allow: [] }, 0, '本单位不用中心词表')
    expect(own.statusCode, own.body).toBe(201)
    const set = (await unitReporter.get('/api/v1/checks/rule-set')).json()
    expect(set).toMatchObject({ ruleSetVersion: `${defaultRuleSet.version}+district-a-gov.1`, owner: { isInherited: false } })
    expect((await unitReporter.post('/api/v1/checks', { text: '某某热词' })).json().hits).toEqual([])
    // The center's set is untouched by its unit.
    expect((await reporterA.get('/api/v1/checks/rule-set')).json().ruleSetVersion).toBe(`${defaultRuleSet.version}+district-a.2`)
  })

  it('marks disabled and own rules in the rule list', async () => {
    await save(chiefA, { disabled: ['banned.laowai'], severities: [{ ruleId: 'typo.jingzhong', severity: 'hint' }] }, 2)
    const rules = (await reporterA.get('/api/v1/checks/rules')).json().rules
    expect(rules.find((r: { id: string }) => r.id === 'banned.laowai')).toMatchObject({ isDisabled: true, isCustom: false })
    expect(rules.find((r: { id: string }) => r.id === 'typo.jingzhong')).toMatchObject({ severity: 'hint', defaultSeverity: 'review', isDisabled: false })
    expect(rules.length).toBe(defaultRuleSet.rules.length)
  })

  describe('limits', () => {
    const expectField = async (changes: Record<string, unknown>, field: string) => {
      const res = await save(chiefB, changes, 0)
      expect(res.statusCode, res.body).toBe(400)
      expect(res.json().code).toBe('VALIDATION_FAILED')
      expect(JSON.stringify(res.json())).toContain(field)
    }

    it('refuses a term longer than the limit and accepts one of exactly the limit', async () => {
      await expectField({ terms: [{ ...ownTerm, terms: ['长'.repeat(ruleSetLimits.maxTermLength + 1)] }] }, 'changes.terms.0.terms.0')
      const res = await save(chiefB, { terms: [{ ...ownTerm, terms: ['长'.repeat(ruleSetLimits.maxTermLength)] }] }, 0)
      expect(res.statusCode, res.body).toBe(201)
    })

    it('refuses more terms than allowed in all, unknown rules, blank phrases and exceptions that can never apply', async () => {
      const many = Array.from({ length: 41 }, (_, i) => ({ ...ownTerm, terms: Array.from({ length: 50 }, (_, k) => `词${i}-${k}`) }))
      await expectField({ terms: many }, `合计最多 ${ruleSetLimits.maxTermsTotal}`)
      await expectField({ disabled: ['banned.no-such-rule'] }, 'disabled.0')
      await expectField({ allow: ['  '] }, 'allow.0')
      await expectField({ exceptions: [{ ruleId: 'typo.jingzhong', phrase: '警钟' }] }, 'exceptions.0.phrase')
      await expectField({ terms: [{ ...ownTerm, terms: ['旧说法'], suggestion: '旧说法（新）' }] }, 'terms.0.suggestion')
      await expectField({ terms: [{ ...ownTerm, id: 'banned.mine' }] }, 'terms.0.id')
    })

    it('takes only literal terms: a regular expression is just text', async () => {
      const res = await save(chiefB, { terms: [{ ...ownTerm, terms: ['(a+)+$'] }] }, 1)
      expect(res.statusCode, res.body).toBe(201)
      const hits = (await chiefB.post('/api/v1/checks', { text: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab (a+)+$' })).json().hits
      expect(hits.map((h: { start: number; end: number }) => [h.start, h.end])).toEqual([[35, 41]])
    })
  })

  it('builds the rule set of a version once and a new one only when a new version is saved', async () => {
    const ids = await tenantIds(t.db)
    const tenant = { id: ids['district-b'], kind: 'center' as const, path: [ids.demo, ids['district-b']], scope: tenantScope(ids['district-b']) }
    const service = createChecksService({ db: t.db })
    const active = () => inScope(t.db, tenant.scope, (trx) => service.activeRuleSet(trx, tenant))
    const first = await active()
    expect((await active()).ruleSet).toBe(first.ruleSet)
    const current = (await chiefB.get('/api/v1/checks/rule-set')).json().active.version
    expect((await save(chiefB, { allow: ['东湖区'] }, current)).statusCode).toBe(201)
    const next = await active()
    expect(next.ruleSet).not.toBe(first.ruleSet)
    expect(next.label).toBe(`${defaultRuleSet.version}+district-b.${current + 1}`)
    expect((await active()).ruleSet).toBe(next.ruleSet)
  })
})
