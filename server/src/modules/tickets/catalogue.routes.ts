import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../app.js'
import { problemResponses } from '../../kernel/openapi.js'
import {
  IdParams, RuleInput, RuleList, RuleView, ServiceInput, ServiceList, ServiceView, SettingsInput, SettingsView, TemplateInput, TemplateList, TemplateView,
} from './catalogue.schema.js'
import { createCatalogueService, type ServiceAttribute } from './tickets.catalogue.js'
import { actingOf } from './tickets.http.js'
import { defaultSettings, type TicketSettings } from './tickets.model.js'
import { ruleView, serviceView, templateView } from './tickets.views.js'

const tags = ['tickets-catalogue']

// The console shows each setting's default beside it, so it reads them here instead of keeping a copy.
const settingsView = (settings: TicketSettings) => ({ ...settings, defaults: defaultSettings })

/**
 * A center's service catalogue, routing rules, reply templates and settings (clocks, 先审后发).
 * Everyone who works on messages (ticket.read) reads the catalogue, templates and settings:
 * departments reply with the templates and answer within the clocks. Routing rules stay with the
 * dispatchers, as their row policy does (ticket_routing_rules_scope: the center only). Only
 * dispatchers (ticket.dispatch) change any of it.
 */
export async function catalogueRoutes(app: FastifyInstance, { db }: AppDeps): Promise<void> {
  const catalogue = createCatalogueService({ db })
  const serviceInput = (body: ServiceInput) => ({ ...body, attributes: body.attributes as ServiceAttribute[] | undefined })

  app.get('/tickets/services', {
    schema: { tags, summary: '服务目录（留言类别）', response: { 200: ServiceList, ...problemResponses(401, 403) } },
    config: { access: 'ticket.read' },
  }, async (request) => ({ items: (await catalogue.listServices(actingOf(request))).map(serviceView) }))

  app.post<{ Body: ServiceInput }>('/tickets/services', {
    schema: { tags, summary: '新增服务类别', body: ServiceInput, response: { 201: ServiceView, ...problemResponses(400, 401, 403, 409) } },
    config: { access: 'ticket.dispatch' },
  }, async (request, reply) => reply.status(201).send(serviceView(await catalogue.saveService(actingOf(request), null, serviceInput(request.body)))))

  app.put<{ Params: IdParams; Body: ServiceInput }>('/tickets/services/:id', {
    schema: { tags, summary: '修改服务类别', params: IdParams, body: ServiceInput, response: { 200: ServiceView, ...problemResponses(400, 401, 403, 404, 409) } },
    config: { access: 'ticket.dispatch' },
  }, async (request) => serviceView(await catalogue.saveService(actingOf(request), request.params.id, serviceInput(request.body))))

  app.get('/tickets/routing-rules', {
    schema: { tags, summary: '分办规则（类别、地点 → 部门）', response: { 200: RuleList, ...problemResponses(401, 403) } },
    config: { access: 'ticket.dispatch' },
  }, async (request) => ({ items: (await catalogue.listRules(actingOf(request))).map(ruleView) }))

  app.post<{ Body: RuleInput }>('/tickets/routing-rules', {
    schema: { tags, summary: '新增分办规则', body: RuleInput, response: { 201: RuleView, ...problemResponses(400, 401, 403) } },
    config: { access: 'ticket.dispatch' },
  }, async (request, reply) => reply.status(201).send(ruleView(await catalogue.saveRule(actingOf(request), null, request.body))))

  app.put<{ Params: IdParams; Body: RuleInput }>('/tickets/routing-rules/:id', {
    schema: { tags, summary: '修改分办规则', params: IdParams, body: RuleInput, response: { 200: RuleView, ...problemResponses(400, 401, 403, 404) } },
    config: { access: 'ticket.dispatch' },
  }, async (request) => ruleView(await catalogue.saveRule(actingOf(request), request.params.id, request.body)))

  app.delete<{ Params: IdParams }>('/tickets/routing-rules/:id', {
    schema: { tags, summary: '删除分办规则', params: IdParams, response: { 204: { type: 'null' }, ...problemResponses(401, 403, 404) } },
    config: { access: 'ticket.dispatch' },
  }, async (request, reply) => {
    await catalogue.deleteRule(actingOf(request), request.params.id)
    return reply.status(204).send()
  })

  app.get('/tickets/reply-templates', {
    schema: { tags, summary: '答复模板', response: { 200: TemplateList, ...problemResponses(401, 403) } },
    config: { access: 'ticket.read' },
  }, async (request) => ({ items: (await catalogue.listTemplates(actingOf(request))).map(templateView) }))

  app.post<{ Body: TemplateInput }>('/tickets/reply-templates', {
    schema: { tags, summary: '新增答复模板', body: TemplateInput, response: { 201: TemplateView, ...problemResponses(400, 401, 403, 409) } },
    config: { access: 'ticket.dispatch' },
  }, async (request, reply) => reply.status(201).send(templateView(await catalogue.saveTemplate(actingOf(request), null, request.body))))

  app.put<{ Params: IdParams; Body: TemplateInput }>('/tickets/reply-templates/:id', {
    schema: { tags, summary: '修改答复模板', params: IdParams, body: TemplateInput, response: { 200: TemplateView, ...problemResponses(400, 401, 403, 404, 409) } },
    config: { access: 'ticket.dispatch' },
  }, async (request) => templateView(await catalogue.saveTemplate(actingOf(request), request.params.id, request.body)))

  app.get('/tickets/settings', {
    schema: { tags, summary: '留言办理设置（时限、先审后发、防刷）', response: { 200: SettingsView, ...problemResponses(401, 403) } },
    config: { access: 'ticket.read' },
  }, async (request) => settingsView(await catalogue.getSettings(actingOf(request))))

  app.put<{ Body: SettingsInput }>('/tickets/settings', {
    schema: { tags, summary: '修改留言办理设置（只影响此后的留言）', body: SettingsInput, response: { 200: SettingsView, ...problemResponses(400, 401, 403) } },
    config: { access: 'ticket.dispatch' },
  }, async (request) => settingsView(await catalogue.saveSettings(actingOf(request), request.body as never)))
}
