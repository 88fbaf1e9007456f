import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, signIn, type Client, type TestApp } from '../../../test/harness.js'
import { mustNotFlag } from './fixtures/must-not-flag.js'
import { MAX_TEXT_LENGTH } from './checks.schema.js'
import { defaultRuleSet } from './rules/index.js'

describe('checks API', () => {
  let t: TestApp
  let reporter: Client

  beforeAll(async () => {
    t = await buildTestApp()
    reporter = await signIn(t.app, 'district-a.reporter')
  }, 60_000)
  afterAll(async () => { await t.close() }, 60_000)

  it('returns the hits with rule, category, severity, reason, suggestion and exact offsets', async () => {
    const text = '安全生产要警钟常鸣，联系人手机13812345678。'
    const res = await reporter.post('/api/v1/checks', { text })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.ruleSetVersion).toBe(defaultRuleSet.version)
    expect(body.hits).toEqual([
      expect.objectContaining({ start: 5, end: 9, ruleId: 'typo.jingzhong', category: 'typo', severity: 'review', suggestion: '警钟长鸣', message: expect.stringContaining('警钟长鸣') }),
      expect.objectContaining({ start: 15, end: 26, ruleId: 'privacy.mobile', category: 'privacy', severity: 'review', suggestion: '138****5678' }),
    ])
    for (const hit of body.hits) expect(typeof hit.source).toBe('string')
  })

  it('answers an empty text with no hits and ordinary news with no block or review hits', async () => {
    const empty = await reporter.post('/api/v1/checks', { text: '' })
    expect(empty.statusCode).toBe(200)
    expect(empty.json().hits).toEqual([])
    const news = await reporter.post('/api/v1/checks', { text: mustNotFlag.filter((p) => !p.hints).map((p) => p.text).join('\n') })
    expect(news.json().hits).toEqual([])
  })

  it('applies the government-account rules when asked, and by default in a unit', async () => {
    const text = '特产礼盒，点击购买。'
    expect((await reporter.post('/api/v1/checks', { text })).json()).toMatchObject({ isGovernmentAccount: false, hits: [] })
    const asked = (await reporter.post('/api/v1/checks', { text, isGovernmentAccount: true })).json()
    expect(asked.hits.map((h: { ruleId: string; severity: string }) => [h.ruleId, h.severity])).toEqual([['advertising.buy-now', 'block']])

    const leader = await signIn(t.app, 'district-a.leader', { tenant: 'district-a-gov' })
    const inUnit = (await leader.post('/api/v1/checks', { text })).json()
    expect(inUnit.isGovernmentAccount).toBe(true)
    expect(inUnit.hits).toHaveLength(1)
    expect((await leader.post('/api/v1/checks', { text, isGovernmentAccount: false })).json().hits).toEqual([])
  })

  it('accepts the longest text and refuses a longer one naming the field', async () => {
    const longest = await reporter.post('/api/v1/checks', { text: '村'.repeat(MAX_TEXT_LENGTH) })
    expect(longest.statusCode).toBe(200)
    const tooLong = await reporter.post('/api/v1/checks', { text: '村'.repeat(MAX_TEXT_LENGTH + 1) })
    expect(tooLong.statusCode).toBe(400)
    expect(tooLong.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ field: 'text' })] })
  })

  it('refuses a missing text, a wrong type or an unknown field, naming it', async () => {
    for (const [payload, field] of [[{}, 'text'], [{ text: { body: 'x' } }, 'text'], [{ text: 'x', isGovernmentAccount: 'yes' }, 'isGovernmentAccount'], [{ text: 'x', colour: 'red' }, 'colour']] as const) {
      const res = await reporter.post('/api/v1/checks', payload)
      expect(res.statusCode, field).toBe(400)
      expect(res.json().errors.map((e: { field: string }) => e.field), field).toContain(field)
    }
  })

  it('lists the rules for the console', async () => {
    const res = await reporter.get('/api/v1/checks/rules')
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.ruleSetVersion).toBe(defaultRuleSet.version)
    expect(body.rules).toHaveLength(defaultRuleSet.rules.length)
    expect(body.rules).toContainEqual(expect.objectContaining({
      id: 'title.village-head', category: 'title', categoryLabel: '职务与机构名称', kind: 'term', severity: 'review',
      suggestion: '村主任', terms: ['村长'], source: expect.stringContaining('村民委员会组织法'),
    }))
  })

  it('needs story.read and a signed-in caller', async () => {
    const anonymous = await t.app.inject({ method: 'POST', url: '/api/v1/checks', payload: { text: '村长' } })
    expect(anonymous.statusCode).toBe(401)
    const grid = await signIn(t.app, 'district-a.grid')
    for (const res of [await grid.post('/api/v1/checks', { text: '村长' }), await grid.get('/api/v1/checks/rules')]) {
      expect(res.statusCode).toBe(403)
      expect(res.json()).toMatchObject({ code: 'FORBIDDEN', permission: 'story.read' })
    }
  })
})
