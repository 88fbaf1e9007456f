import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditEntries, tenantIds } from '../../../test/factories/tenancy.js'
import { submit, ticketIdOf } from '../../../test/factories/tickets.js'
import { buildTestApp, signIn, type Client, type TestApp } from '../../../test/harness.js'
import { defaultSettings } from './tickets.model.js'

describe('a center\'s catalogue, routing rules, templates and settings', () => {
  let t: TestApp
  let ids: Record<string, string>
  let dispatcher: Client

  beforeAll(async () => {
    t = await buildTestApp({ config: { publicRateLimitPerMinute: 1000 } })
    ids = await tenantIds(t.db)
    dispatcher = await signIn(t.app, 'district-b.dispatcher')
  })
  afterAll(async () => { await t.close() })

  it('suggests the department by category, a place keyword winning over the general rule', async () => {
    const general = (await submit(t.app, 'district-b', { category: 'road', address: '西山大道1号' })).json()
    const local = (await submit(t.app, 'district-b', { category: 'road', address: '青石街道文化路3号' })).json()
    const suggested = async (number: string) => (await dispatcher.get(`/api/v1/tickets/${await ticketIdOf(dispatcher, number)}`)).json().suggestedDepartment.id
    expect(await suggested(general.number)).toBe(ids['district-b-gov'])
    expect(await suggested(local.number)).toBe(ids['district-b-qingshi'])
  })

  it('edits services with Open311 attributes, refusing duplicates and lists without values', async () => {
    const created = await dispatcher.post('/api/v1/tickets/services', {
      code: 'water', name: '供水排水', defaultKind: 'help', group: '城市管理', notice: '3 个工作日内答复',
      attributes: [{ code: 'since', datatype: 'datetime', required: true, description: '停水开始时间', order: 1 }],
    })
    expect(created.statusCode).toBe(201)
    expect(created.json()).toMatchObject({ code: 'water', isActive: true, attributes: [{ code: 'since', required: true }] })
    const again = await dispatcher.post('/api/v1/tickets/services', { code: 'water', name: '重复' })
    expect(again.statusCode).toBe(409)
    expect(again.json().errors[0].field).toBe('code')
    const noValues = await dispatcher.post('/api/v1/tickets/services', { code: 'bad', name: '坏的', attributes: [{ code: 'x', datatype: 'singlevaluelist', required: false, description: 'x', order: 1 }] })
    expect(noValues.json().errors[0].field).toBe('attributes.0.values')
    const form = (await t.app.inject({ method: 'GET', url: '/api/v1/public/district-b/tickets/form' })).json()
    expect(form.categories.map((c: { code: string }) => c.code)).toContain('water')
    const { id, updatedAt: _u, ...fields } = created.json()
    expect((await dispatcher.put(`/api/v1/tickets/services/${id}`, { ...fields, isActive: false })).json().isActive).toBe(false)
    expect((await submit(t.app, 'district-b', { category: 'water' })).json().errors[0].field).toBe('category')
    expect((await auditEntries(t.db, 'ticket.service.create')).length).toBe(1)
  })

  it('edits routing rules and templates within the center only', async () => {
    const services = (await dispatcher.get('/api/v1/tickets/services')).json().items
    const housing = services.find((s: { code: string }) => s.code === 'housing')
    const rule = await dispatcher.post('/api/v1/tickets/routing-rules', { serviceId: housing.id, departmentId: ids['district-b-qingshi'], placeKeyword: '青石', priority: 5 })
    expect(rule.statusCode).toBe(201)
    expect(rule.json()).toMatchObject({ service: { code: 'housing' }, department: { id: ids['district-b-qingshi'] }, placeKeyword: '青石' })
    const foreign = await dispatcher.post('/api/v1/tickets/routing-rules', { serviceId: housing.id, departmentId: ids['district-a-gov'] })
    expect(foreign.json().errors[0].field).toBe('departmentId')
    expect((await dispatcher.put(`/api/v1/tickets/routing-rules/${rule.json().id}`, { serviceId: housing.id, departmentId: ids['district-b-gov'] })).json().department.id).toBe(ids['district-b-gov'])
    expect((await dispatcher.delete(`/api/v1/tickets/routing-rules/${rule.json().id}`)).statusCode).toBe(204)
    expect((await dispatcher.delete(`/api/v1/tickets/routing-rules/${rule.json().id}`)).statusCode).toBe(404)
    const other = await signIn(t.app, 'district-a.dispatcher')
    const rules = (await other.get('/api/v1/tickets/routing-rules')).json().items
    expect((await dispatcher.delete(`/api/v1/tickets/routing-rules/${rules[0].id}`)).statusCode).toBe(404)

    const template = await dispatcher.post('/api/v1/tickets/reply-templates', { name: '物业答复', body: '您好！关于小区物业问题……' })
    expect(template.statusCode).toBe(201)
    expect((await dispatcher.post('/api/v1/tickets/reply-templates', { name: '物业答复', body: '重复' })).statusCode).toBe(409)
    const handler = await signIn(t.app, 'district-b.handler')
    expect((await handler.get('/api/v1/tickets/reply-templates')).json().items.map((x: { name: string }) => x.name)).toContain('物业答复')
    expect((await handler.post('/api/v1/tickets/reply-templates', { name: 'x', body: 'y' })).statusCode).toBe(403)
  })

  it('keeps settings per center, key by key, with the defaults of the issue', async () => {
    const defaults = (await dispatcher.get('/api/v1/tickets/settings')).json()
    expect(defaults.clocks).toMatchObject({ urgent: { final: 0 }, consultation: { final: 3 }, help: { final: 3 }, complaint: { final: 13 }, suggestion: { final: 13 } })
    expect(defaults.isReplyReviewRequired).toBe(true)
    const saved = (await dispatcher.put('/api/v1/tickets/settings', { clocks: { complaint: { final: 10 } }, reopenLimit: 2 })).json()
    expect(saved.clocks.complaint).toEqual({ signFor: 1, firstResponse: 2, final: 10 })
    expect(saved.clocks.suggestion.final).toBe(13)
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/public/district-b/tickets/form' })).json().kinds.find((k: { code: string }) => k.code === 'complaint').replyWithinWorkingDays).toBe(10)
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/public/district-a/tickets/form' })).json().kinds.find((k: { code: string }) => k.code === 'complaint').replyWithinWorkingDays).toBe(13)
    const bad = await dispatcher.put('/api/v1/tickets/settings', { clocks: { complaint: { final: 99 } } })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().errors[0].field).toBe('clocks.complaint.final')
  })

  it('lets a department handler read the catalogue, templates and settings, and change none of them', async () => {
    const handler = await signIn(t.app, 'district-b.handler')
    const services = await handler.get('/api/v1/tickets/services')
    expect(services.statusCode).toBe(200)
    expect(services.json().items.map((s: { code: string }) => s.code)).toContain('road')
    const templates = await handler.get('/api/v1/tickets/reply-templates')
    expect(templates.statusCode).toBe(200)
    expect(templates.json().items.length).toBeGreaterThan(0)
    const settings = await handler.get('/api/v1/tickets/settings')
    expect(settings.statusCode).toBe(200)
    expect(settings.json().defaults).toEqual(defaultSettings)

    // Routing rules are the dispatchers' own: a department neither reads nor writes them.
    const rules = await handler.get('/api/v1/tickets/routing-rules')
    expect(rules.statusCode).toBe(403)
    expect(rules.json().permission).toBe('ticket.dispatch')
    const service = services.json().items[0]
    const rule = (await dispatcher.get('/api/v1/tickets/routing-rules')).json().items[0]
    const template = templates.json().items[0]
    const refused = [
      await handler.post('/api/v1/tickets/services', { code: 'mine', name: '部门自建' }),
      await handler.put(`/api/v1/tickets/services/${service.id}`, { code: service.code, name: '改名' }),
      await handler.post('/api/v1/tickets/routing-rules', { serviceId: service.id, departmentId: ids['district-b-gov'] }),
      await handler.put(`/api/v1/tickets/routing-rules/${rule.id}`, { serviceId: rule.service.id, departmentId: rule.department.id, priority: 99 }),
      await handler.delete(`/api/v1/tickets/routing-rules/${rule.id}`),
      await handler.post('/api/v1/tickets/reply-templates', { name: '部门模板', body: '您好' }),
      await handler.put(`/api/v1/tickets/reply-templates/${template.id}`, { name: template.name, body: '改写' }),
      await handler.put('/api/v1/tickets/settings', { reopenLimit: 3 }),
    ]
    for (const res of refused) {
      expect(res.statusCode).toBe(403)
      expect(res.headers['content-type']).toContain('application/problem+json')
      expect(res.json()).toMatchObject({ status: 403, permission: 'ticket.dispatch' })
    }
    expect((await handler.get('/api/v1/tickets/services')).json().items.find((s: { id: string }) => s.id === service.id).name).toBe(service.name)
    expect((await handler.get('/api/v1/tickets/reply-templates')).json().items.find((x: { id: string }) => x.id === template.id).body).toBe(template.body)
    expect((await handler.get('/api/v1/tickets/settings')).json().reopenLimit).toBe(settings.json().reopenLimit)
  })

  it('returns the platform defaults beside the center\'s own settings, after a change too', async () => {
    const saved = await dispatcher.put('/api/v1/tickets/settings', { clocks: { praise: { final: 8 } } })
    expect(saved.statusCode).toBe(200)
    expect(saved.json().clocks.praise.final).toBe(8)
    expect(saved.json().defaults.clocks.praise.final).toBe(defaultSettings.clocks.praise.final)
    const read = (await dispatcher.get('/api/v1/tickets/settings')).json()
    expect(read.clocks.praise.final).toBe(8)
    expect(read.defaults).toEqual(defaultSettings)
  })
})
