import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inScope, systemScope } from '../../db/scope.js'
import { tenantIds } from '../../../test/factories/tenancy.js'
import { buildTestApp, signIn, type Client, type TestApp } from '../../../test/harness.js'
import { entryTerms } from './faq.service.js'

const suggest = (t: TestApp, center: string, q: string) =>
  t.app.inject({ method: 'GET', url: `/api/v1/public/${center}/faq/suggest?q=${encodeURIComponent(q)}` })

describe('knowledge base (咨询问答库)', () => {
  let t: TestApp
  let ids: Record<string, string>
  let dispatcher: Client
  let handler: Client

  beforeAll(async () => {
    t = await buildTestApp({ config: { publicRateLimitPerMinute: 1000 } })
    ids = await tenantIds(t.db)
    dispatcher = await signIn(t.app, 'district-a.dispatcher')
    handler = await signIn(t.app, 'district-a.handler')
  })
  afterAll(async () => { await t.close() })

  it('indexes question and variants over the answer, without punctuation or question words', () => {
    const { terms } = entryTerms({ question: '社保卡丢了怎么补办？', variants: ['社会保障卡遗失'], answer: '请到人社服务大厅补办。' })
    expect(terms.get('社保卡')).toBe(1)
    expect(terms.get('补办')).toBeCloseTo(1.3)
    expect([...terms.keys()].some((k) => /[？。]|怎么|了/.test(k))).toBe(false)
  })

  it('suggests the matching entry first to the public form, traditional characters and question words included', async () => {
    const plain = (await suggest(t, 'district-a', '社保卡丢了怎么办')).json().items
    expect(plain[0].question).toBe('社会保障卡丢失了怎么补办？')
    const traditional = (await suggest(t, 'district-a', '請問社保卡遺失要怎麼補辦')).json().items
    expect(traditional[0].question).toBe('社会保障卡丢失了怎么补办？')
    expect(traditional[0].score).toBeGreaterThan(0)
    expect((await suggest(t, 'district-a', '一年级什么时候报名')).json().items[0].question).toBe('孩子上小学一年级什么时候报名？')
    // OR semantics: one shared word is enough; only question words find nothing.
    expect((await suggest(t, 'district-a', '井盖')).json().items.length).toBeGreaterThan(0)
    expect((await suggest(t, 'district-a', '请问怎么办？')).json().items).toEqual([])
  })

  it('leaves out entries that share only a generic word with the title, and keeps the true ones first', async () => {
    const questions = async (q: string) => (await suggest(t, 'district-a', q)).json().items.map((i: { question: string }) => i.question)
    const manhole = '路灯不亮、井盖丢失在哪里反映？'
    const socialCard = '社会保障卡丢失了怎么补办？'
    // 丢失 alone used to bring up the 社保卡 entry for a missing manhole cover.
    expect(await questions('井盖丢失了')).toEqual([manhole])
    expect(await questions('我家门口井盖丢失了很危险')).toEqual([manhole])
    expect(await questions('井盖被偷')).toEqual([manhole])
    expect(await questions('手机丢了')).toEqual([])
    expect(await questions('钱包丢失了')).toEqual([])
    expect((await questions('社保卡丢了怎么办'))[0]).toBe(socialCard)
    expect((await questions('晚上工地施工太吵睡不着'))[0]).toBe('小区附近夜间施工噪音太大向谁反映？')
    expect((await questions('异地看病能报销吗'))[0]).toBe('在外地看病需要先办医保备案吗？')
    // Staff search stays a plain OR search: the generic word still finds both entries.
    const staff = (await dispatcher.get(`/api/v1/faq?q=${encodeURIComponent('井盖丢失了')}`)).json().items.map((i: { question: string }) => i.question)
    expect(staff).toEqual([manhole, socialCard])
  })

  it('shows the public only published entries inside their validity dates; staff see all of them', async () => {
    const expired = await dispatcher.post('/api/v1/faq', {
      question: '老年人乘车优惠卡怎么办理？', answer: '持身份证到公交集团营业厅办理。', validFrom: '2020-01-01', validTo: '2021-12-31', ownerDepartmentId: ids['district-a-gov'],
    })
    expect(expired.statusCode).toBe(201)
    expect(expired.json()).toMatchObject({ isValidNow: false, ownerDepartment: { id: ids['district-a-gov'], name: '东湖区人民政府办公室' } })
    const hidden = await dispatcher.post('/api/v1/faq', { question: '乘车优惠卡年审在哪里办？', answer: '暂未公布。', isPublished: false })
    expect((await suggest(t, 'district-a', '乘车优惠卡')).json().items).toEqual([])
    const staff = (await handler.get(`/api/v1/faq?q=${encodeURIComponent('乘车优惠卡')}`)).json().items
    expect(staff.map((i: { id: string }) => i.id).sort()).toEqual([expired.json().id, hidden.json().id].sort())
    const invalid = await dispatcher.post('/api/v1/faq', { question: '有效期反了', answer: '测试', validFrom: '2026-02-01', validTo: '2026-01-01' })
    expect(invalid.statusCode).toBe(400)
    expect(invalid.json().errors[0].field).toBe('validTo')
  })

  it('lets a department write its own entries only; the center writes any; other centers see none', async () => {
    const own = await handler.post('/api/v1/faq', { question: '办理居住证需要什么材料？', variants: ['居住证怎么办'], answer: '身份证、租房合同和照片。' })
    expect(own.statusCode).toBe(201)
    expect(own.json().ownerDepartment.id).toBe(ids['district-a-gov'])
    expect((await handler.put(`/api/v1/faq/${own.json().id}`, { question: '办理居住证需要哪些材料？', answer: '身份证、租房合同、一寸照片。' })).statusCode).toBe(200)
    const centerEntry = (await dispatcher.post('/api/v1/faq', { question: '中心热线电话是多少？', answer: '请拨打 12345。' })).json()
    expect((await handler.put(`/api/v1/faq/${centerEntry.id}`, { question: '改', answer: '改' })).statusCode).toBe(403)
    expect((await handler.post('/api/v1/faq', { question: '别的部门', answer: '不行', ownerDepartmentId: ids['district-a-edu'] })).statusCode).toBe(403)
    expect((await dispatcher.post('/api/v1/faq', { question: '外中心部门', answer: '不行', ownerDepartmentId: ids['district-b-gov'] })).json().errors[0].field).toBe('ownerDepartmentId')

    const other = await signIn(t.app, 'district-b.dispatcher')
    expect((await other.get(`/api/v1/faq/${own.json().id}`)).statusCode).toBe(404)
    expect((await suggest(t, 'district-b', '居住证')).json().items).toEqual([])
    expect((await suggest(t, 'district-a', '居住证材料')).json().items[0].question).toBe('办理居住证需要哪些材料？')

    expect((await dispatcher.delete(`/api/v1/faq/${own.json().id}`)).statusCode).toBe(204)
    expect((await suggest(t, 'district-a', '居住证材料')).json().items.map((i: { id: string }) => i.id)).not.toContain(own.json().id)
    const terms = await inScope(t.db, systemScope, (trx) => trx.selectFrom('faq_terms').select('term').where('entry_id', '=', own.json().id).execute())
    expect(terms).toEqual([])
    expect((await handler.get(`/api/v1/faq/${own.json().id}`)).statusCode).toBe(404)
  })

  it('pages through entries newest first', async () => {
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page: { items: Array<{ id: string }>; nextCursor: string | null } = (await dispatcher.get(`/api/v1/faq?limit=3${cursor ? `&cursor=${cursor}` : ''}`)).json()
      seen.push(...page.items.map((i) => i.id))
      cursor = page.nextCursor
    } while (cursor)
    expect(new Set(seen).size).toBe(seen.length)
    expect(seen.length).toBeGreaterThanOrEqual(5)
    expect((await dispatcher.get('/api/v1/faq?cursor=garbage')).json().errors[0].field).toBe('cursor')
  })
})
