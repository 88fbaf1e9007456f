import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inScope, systemScope } from '../../db/scope.js'
import { tenantIds } from '../../../test/factories/tenancy.js'
import { randomPhone, submit, ticketIdOf } from '../../../test/factories/tickets.js'
import { buildTestApp, signIn, type Client, type TestApp } from '../../../test/harness.js'

/** Open311 GeoReport v2, checked the way a client sees it: real XML parsing, the spec's field names. */

const SERVICE_FIELDS = ['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group']
const REQUEST_FIELDS = ['service_request_id', 'status', 'status_notes', 'service_name', 'service_code', 'description', 'agency_responsible', 'service_notice',
  'requested_datetime', 'updated_datetime', 'expected_datetime', 'address', 'address_id', 'zipcode', 'lat', 'long', 'media_url']
const W3 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$/

const parser = new XMLParser({
  ignoreDeclaration: true, parseTagValue: false,
  isArray: (name) => ['service', 'request', 'attribute', 'value', 'error', 'endpoint', 'format'].includes(name),
})

function xml(body: string) {
  expect(XMLValidator.validate(body)).toBe(true)
  expect(body.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true)
  return parser.parse(body)
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString()

describe('Open311 GeoReport v2', () => {
  let t: TestApp
  let dispatcher: Client
  let ids: Record<string, string>
  const get = (url: string) => t.app.inject({ method: 'GET', url: `/open311/v2/${url}` })
  const post = (format: 'json' | 'xml', fields: Record<string, string>) => t.app.inject({
    method: 'POST', url: `/open311/v2/requests.${format}`, headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, payload: form(fields),
  })
  const valid = { api_key: 'demo-open311-key', jurisdiction_id: 'district-a', service_code: 'road', address_string: '东湖路88号', description: '东湖路88号门口井盖缺失', 'attribute[issue_type]': 'manhole' }

  beforeAll(async () => {
    t = await buildTestApp({ config: { publicRateLimitPerMinute: 1000, open311RateLimitPerMinute: 1000 } })
    dispatcher = await signIn(t.app, 'district-a.dispatcher')
    ids = await tenantIds(t.db)
  })
  afterAll(async () => { await t.close() })

  it('serves discovery, the service list and service definitions in JSON and XML with the spec names', async () => {
    const discovery = xml((await get('discovery.xml')).body).discovery
    expect(discovery.endpoints.endpoint[0]).toMatchObject({ specification: 'http://wiki.open311.org/GeoReport_v2', type: 'production', formats: { format: ['text/xml', 'application/json'] } })
    expect((await get('discovery.json')).json().endpoints[0].formats).toEqual(['text/xml', 'application/json'])

    const listXml = await get('services.xml?jurisdiction_id=district-a')
    expect(listXml.headers['content-type']).toBe('text/xml; charset=utf-8')
    const services = xml(listXml.body).services.service
    expect(services.length).toBeGreaterThanOrEqual(5)
    for (const s of services) expect(Object.keys(s).sort()).toEqual([...SERVICE_FIELDS].sort())
    const listJson = await get('services.json?jurisdiction_id=district-a')
    expect(listJson.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(listJson.json().map((s: { service_code: string }) => s.service_code)).toEqual(services.map((s: { service_code: string }) => s.service_code))
    expect(listJson.json()[0]).toMatchObject({ service_code: 'road', metadata: true, type: 'realtime' })

    const definition = xml((await get('services/road.xml?jurisdiction_id=district-a')).body).service_definition
    expect(definition.service_code).toBe('road')
    expect(definition.attributes.attribute[0]).toMatchObject({ variable: 'true', code: 'issue_type', datatype: 'singlevaluelist', required: 'false', order: '1' })
    expect(definition.attributes.attribute[0].values.value.map((v: { key: string }) => v.key)).toContain('manhole')
    expect((await get('services/road.json?jurisdiction_id=district-a')).json().attributes[0].values[1]).toEqual({ key: 'manhole', name: '井盖缺失或破损' })
  })

  it('creates a request with the api_key (urlencoded POST) and reads it back in both formats', async () => {
    const created = await post('xml', { ...valid, first_name: '小明', last_name: '王', phone: '13911112222', account_id: 'acct-7' })
    expect(created.statusCode).toBe(201)
    const request = xml(created.body).service_requests.request[0]
    expect(Object.keys(request).sort()).toEqual(['account_id', 'service_notice', 'service_request_id'])
    expect(request.account_id).toBe('acct-7')
    const id = request.service_request_id

    const byId = await get(`requests/${id}.json?jurisdiction_id=district-a`)
    const json = byId.json()[0]
    expect(Object.keys(json).sort()).toEqual([...REQUEST_FIELDS].sort())
    expect(json).toMatchObject({ service_request_id: id, status: 'open', service_code: 'road', description: '东湖路88号门口井盖缺失', address: '东湖路88号' })
    for (const field of ['requested_datetime', 'updated_datetime', 'expected_datetime']) expect(json[field]).toMatch(W3)
    const staff = (await dispatcher.get(`/api/v1/tickets/${await ticketIdOf(dispatcher, id)}`)).json()
    expect(json.expected_datetime).toBe(staff.deadlines.final)
    expect(staff).toMatchObject({ channel: 'open311', citizen: { name: '王小明', phone: '13911112222' } })
    const asXml = xml((await get(`requests/${id}.xml?jurisdiction_id=district-a`)).body).service_requests.request[0]
    expect(Object.keys(asXml).sort()).toEqual([...REQUEST_FIELDS].sort())
    expect(asXml.service_request_id).toBe(id)
    expect(asXml.agency_responsible).toBe('')
    // Never the citizen's phone or name.
    expect(JSON.stringify(json)).not.toMatch(/13911112222|王小明/)

    // The detailed states map to closed once the reply is published.
    const ticketId = await ticketIdOf(dispatcher, id)
    await dispatcher.put('/api/v1/tickets/settings', { isReplyReviewRequired: false })
    try {
      await dispatcher.post(`/api/v1/tickets/${ticketId}/route`, { leadDepartmentId: ids['district-a-gov'] })
      const handler = await signIn(t.app, 'district-a.handler')
      await handler.post(`/api/v1/tickets/${ticketId}/sign-for`)
      expect((await get(`requests/${id}.json?jurisdiction_id=district-a`)).json()[0]).toMatchObject({ status: 'open', agency_responsible: '东湖区人民政府办公室', status_notes: '已签收' })
      await handler.post(`/api/v1/tickets/${ticketId}/replies`, { body: '井盖已补装。' })
    } finally {
      await dispatcher.put('/api/v1/tickets/settings', { isReplyReviewRequired: true })
    }
    expect((await get(`requests/${id}.json?jurisdiction_id=district-a`)).json()[0]).toMatchObject({ status: 'closed', status_notes: '已答复' })
  })

  it('filters GET requests by ids, service code, status and dates (default: the last 90 days)', async () => {
    const a = xml((await post('xml', { ...valid, description: '过滤测试甲' })).body).service_requests.request[0].service_request_id
    const b = (await post('json', { ...valid, service_code: 'environment', description: '过滤测试乙', 'attribute[issue_type]': '' })).json()[0].service_request_id
    const ids311 = (url: string) => get(url).then((r) => r.json().map((x: { service_request_id: string }) => x.service_request_id))
    expect(await ids311(`requests.json?jurisdiction_id=district-a&service_request_id=${a},${b}`)).toEqual([b, a])
    expect(await ids311('requests.json?jurisdiction_id=district-a&service_code=environment')).toContain(b)
    expect(await ids311('requests.json?jurisdiction_id=district-a&service_code=environment')).not.toContain(a)
    expect(await ids311('requests.json?jurisdiction_id=district-a&status=closed')).not.toContain(a)
    expect(await ids311('requests.json?jurisdiction_id=district-a&status=open,closed')).toContain(a)

    // A request 100 days old is outside the default window but inside an explicit range.
    await inScope(t.db, systemScope, (trx) => trx.updateTable('tickets').set({ created_at: new Date(Date.now() - 100 * 86_400_000) }).where('number', '=', a).execute())
    expect(await ids311('requests.json?jurisdiction_id=district-a')).not.toContain(a)
    const start = new Date(Date.now() - 110 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z')
    const end = new Date(Date.now() - 30 * 86_400_000).toISOString().replace(/\.\d+Z$/, '+00:00')
    expect(await ids311(`requests.json?jurisdiction_id=district-a&start_date=${start}&end_date=${encodeURIComponent(end)}`)).toContain(a)
    expect(await ids311(`requests.json?jurisdiction_id=district-a&service_request_id=${a}`)).toEqual([a])
  })

  it('answers errors in the spec form: 400, 403, 404, as a JSON array or XML <errors>', async () => {
    const expectError = async (res: Promise<{ statusCode: number; body: string; json(): unknown }>, status: number, format: 'json' | 'xml', pattern: RegExp) => {
      const r = await res
      expect(r.statusCode, r.body).toBe(status)
      const errors = format === 'xml' ? xml(r.body).errors.error : r.json() as Array<{ code: number; description: string }>
      expect(errors.length).toBe(1)
      expect(errors[0].description).toMatch(pattern)
      expect(String(errors[0].code)).toMatch(/^\d{3}$/)
    }
    await expectError(post('xml', { ...valid, api_key: 'wrong' }), 403, 'xml', /api_key/)
    const { api_key: _, ...withoutKey } = valid
    await expectError(post('json', withoutKey), 403, 'json', /api_key/)
    await expectError(post('xml', { ...valid, jurisdiction_id: 'atlantis' }), 404, 'xml', /jurisdiction_id/)
    await expectError(post('json', { ...valid, service_code: 'nope' }), 404, 'json', /service_code/)
    await expectError(post('json', { ...valid, address_string: '' }), 400, 'json', /location/)
    await expectError(post('json', { ...valid, lat: '30.1' }), 400, 'json', /lat and long/)
    await expectError(post('json', { ...valid, 'attribute[issue_type]': 'volcano' }), 400, 'json', /issue_type/)
    await expectError(get('services.xml'), 400, 'xml', /jurisdiction_id/)
    await expectError(get('services/nope.json?jurisdiction_id=district-a'), 404, 'json', /service_code/)
    await expectError(get('requests/999999999.xml?jurisdiction_id=district-a'), 404, 'xml', /999999999/)
    await expectError(get('requests.json?jurisdiction_id=district-a&start_date=yesterday'), 400, 'json', /start_date/)
    await expectError(get('requests.json?jurisdiction_id=district-a&start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z'), 400, 'json', /90 days/)
    await expectError(get('requests.json?jurisdiction_id=district-a&status=pending'), 400, 'json', /status/)
    await expectError(get('tokens/nothing.json?jurisdiction_id=district-a'), 404, 'json', /token/)
    await expectError(get('services.yaml?jurisdiction_id=district-a'), 404, 'json', /no resource/)
  })

  it('hands out tokens for batch services and resolves them (tokens/{token})', async () => {
    const services = (await dispatcher.get('/api/v1/tickets/services')).json().items
    const road = services.find((s: { code: string }) => s.code === 'road')
    const { id, updatedAt: _u, ...fields } = road
    expect((await dispatcher.put(`/api/v1/tickets/services/${id}`, { ...fields, open311Type: 'batch' })).statusCode).toBe(200)
    try {
      const created = xml((await post('xml', { ...valid, description: '批量服务测试' })).body).service_requests.request[0]
      expect(created.service_request_id).toBeUndefined()
      expect(created.token).toMatch(/^[\w-]{16}$/)
      const resolved = xml((await get(`tokens/${created.token}.xml?jurisdiction_id=district-a`)).body).service_requests.request[0]
      expect(Object.keys(resolved).sort()).toEqual(['service_request_id', 'token'])
      expect((await get(`tokens/${created.token}.json?jurisdiction_id=district-b`)).statusCode).toBe(404)
      expect((await get(`requests/${resolved.service_request_id}.json?jurisdiction_id=district-a`)).json()[0].description).toBe('批量服务测试')
    } finally {
      await dispatcher.put(`/api/v1/tickets/services/${id}`, { ...fields, open311Type: 'realtime' })
    }
  })

  it('keeps keys hashed, lets a center issue and revoke its own, and hides non-public text', async () => {
    const stored = await inScope(t.db, systemScope, (trx) => trx.selectFrom('open311_keys').select(['tenant_id', 'key_hash', 'prefix']).execute())
    expect(stored.length).toBeGreaterThanOrEqual(2)
    expect(JSON.stringify(stored)).not.toContain('demo-open311-key')
    const issued = await dispatcher.post('/api/v1/open311/keys', { name: '12345 热线' })
    expect(issued.statusCode).toBe(201)
    const key = issued.json().key
    expect((await post('json', { ...valid, api_key: key, description: '新密钥提交' })).statusCode).toBe(201)
    expect((await post('json', { ...valid, api_key: key, jurisdiction_id: 'district-b', description: '别的中心' })).statusCode).toBe(403)
    expect((await dispatcher.delete(`/api/v1/open311/keys/${issued.json().id}`)).statusCode).toBe(204)
    expect((await post('json', { ...valid, api_key: key, description: '吊销后' })).statusCode).toBe(403)
    expect((await dispatcher.get('/api/v1/open311/keys')).json().items.find((k: { id: string }) => k.id === issued.json().id).revokedAt).not.toBeNull()

    // A report (举报) is never public: Open311 shows its status only.
    const report = await submit(t.app, 'district-a', { kind: 'report', phone: randomPhone(), title: '举报违法建设', text: '某小区顶楼有人违法加建，请查处。' })
    const shown = (await get(`requests/${report.json().number}.json?jurisdiction_id=district-a`)).json()[0]
    expect(shown).toMatchObject({ status: 'open', description: null, address: null, lat: null })
  })
})
