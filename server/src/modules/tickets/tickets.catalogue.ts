import type { Database } from '../../db/database.js'
import { inScope, type TenantScope, type Tx } from '../../db/scope.js'
import { appendAudit, withContext } from '../../kernel/audit.js'
import { AppError, isUniqueViolation } from '../../kernel/errors.js'
import { emitEvent } from '../../kernel/events.js'
import * as catalogue from './catalogue.store.js'
import { centerIdOf, loadSettings, type TicketActing } from './tickets.core.js'
import { mergeSettings, type TicketKind, type TicketSettings } from './tickets.model.js'

export interface ServiceAttribute {
  code: string
  datatype: 'string' | 'number' | 'datetime' | 'text' | 'singlevaluelist' | 'multivaluelist'
  required: boolean
  variable?: boolean
  description: string
  datatypeDescription?: string
  order: number
  values?: Array<{ key: string; name: string }>
}

export interface ServiceInput {
  code: string
  name: string
  description?: string
  group?: string
  keywords?: string
  defaultKind?: TicketKind
  notice?: string
  attributes?: ServiceAttribute[]
  open311Type?: 'realtime' | 'batch'
  sortOrder?: number
  isActive?: boolean
}

export interface RuleInput {
  serviceId: string
  placeKeyword?: string | null
  departmentId: string
  priority?: number
  isActive?: boolean
}

function invalid(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', `${field}: ${message}`, { errors: [{ field, message }] })
}

/** Attribute codes and orders must be unique; list types need their values (Open311 service definitions). */
export function checkAttributes(attributes: readonly ServiceAttribute[]): void {
  const codes = new Set<string>()
  const orders = new Set<number>()
  attributes.forEach((a, i) => {
    if (codes.has(a.code)) throw invalid(`attributes.${i}.code`, 'is used twice')
    if (orders.has(a.order)) throw invalid(`attributes.${i}.order`, 'is used twice')
    const isList = a.datatype === 'singlevaluelist' || a.datatype === 'multivaluelist'
    if (isList && !(a.values?.length)) throw invalid(`attributes.${i}.values`, 'a list needs values')
    codes.add(a.code)
    orders.add(a.order)
  })
}

/** A center's catalogue: services (form categories, Open311 services), routing rules, templates, settings. */
export function createCatalogueService({ db }: { db: Database }) {
  function centerOf(acting: TicketActing, { isWrite }: { isWrite: boolean }): string {
    const centerId = centerIdOf(acting.tenant)
    if (!centerId || (isWrite && acting.tenant.kind !== 'center')) {
      throw new AppError('FORBIDDEN', '请在融媒体中心中维护留言办理的目录与规则', { extra: { permission: 'ticket.dispatch' } })
    }
    return centerId
  }

  async function audited<T>(acting: TicketActing, centerId: string, action: string, target: { type: string; id: string }, details: Record<string, unknown>, fn: (trx: Tx, scope: TenantScope) => Promise<T>): Promise<T> {
    return inScope(db, acting.tenant.scope, async (trx) => {
      const result = await fn(trx, acting.tenant.scope)
      // A creation learns its id from the result (an id, or the row written).
      const targetId = target.id || (typeof result === 'string' ? result : (result as { id?: string } | undefined)?.id ?? '')
      await emitEvent(trx, { type: action.replace(/^ticket\./, 'ticket_catalogue.'), tenantId: centerId, payload: { targetType: target.type, targetId } })
      await appendAudit(trx, withContext(acting.audit, { action, targetType: target.type, targetId, details }))
      return result
    })
  }

  function serviceFields(input: ServiceInput): catalogue.ServiceFields {
    checkAttributes(input.attributes ?? [])
    return {
      code: input.code, name: input.name.trim(), description: input.description?.trim() ?? '', groupName: input.group?.trim() ?? '',
      keywords: input.keywords?.trim() ?? '', defaultKind: input.defaultKind ?? 'help', notice: input.notice?.trim() ?? '',
      attributes: input.attributes ?? [], open311Type: input.open311Type ?? 'realtime', sortOrder: input.sortOrder ?? 0, isActive: input.isActive ?? true,
    }
  }

  async function listServices(acting: TicketActing) {
    const centerId = centerOf(acting, { isWrite: false })
    return inScope(db, acting.tenant.scope, (trx) => catalogue.listServices(trx, acting.tenant.scope, { centerId, isActiveOnly: false }))
  }

  async function saveService(acting: TicketActing, id: string | null, input: ServiceInput) {
    const centerId = centerOf(acting, { isWrite: true })
    const fields = serviceFields(input)
    try {
      return await audited(acting, centerId, id ? 'ticket.service.update' : 'ticket.service.create', { type: 'ticket_service', id: id ?? '' }, { code: fields.code, name: fields.name }, async (trx, scope) => {
        if (id) {
          if (!(await catalogue.findService(trx, scope, { centerId, id }))) throw new AppError('NOT_FOUND', 'no such service')
          await catalogue.updateService(trx, scope, { centerId, id, fields })
          return (await catalogue.findService(trx, scope, { centerId, id }))!
        }
        const newId = await catalogue.insertService(trx, scope, { centerId, fields })
        return (await catalogue.findService(trx, scope, { centerId, id: newId }))!
      })
    } catch (error) {
      if (isUniqueViolation(error, 'ticket_services_code')) throw new AppError('CONFLICT', `service code ${fields.code} is taken`, { errors: [{ field: 'code', message: 'is taken' }] })
      throw error
    }
  }

  async function listRules(acting: TicketActing) {
    const centerId = centerOf(acting, { isWrite: true })
    return inScope(db, acting.tenant.scope, (trx) => catalogue.listRules(trx, acting.tenant.scope, { centerId }))
  }

  async function checkRule(trx: Tx, scope: TenantScope, centerId: string, input: RuleInput) {
    if (!(await catalogue.findService(trx, scope, { centerId, id: input.serviceId }))) throw invalid('serviceId', 'is not a service of this center')
    if ((await catalogue.departmentsOf(trx, scope, { centerId, ids: [input.departmentId] })).length === 0) throw invalid('departmentId', 'is not a department of this center')
    return { serviceId: input.serviceId, placeKeyword: input.placeKeyword?.trim() || null, departmentId: input.departmentId, priority: input.priority ?? 0, isActive: input.isActive ?? true }
  }

  async function saveRule(acting: TicketActing, id: string | null, input: RuleInput) {
    const centerId = centerOf(acting, { isWrite: true })
    const ruleId = await audited(acting, centerId, id ? 'ticket.rule.update' : 'ticket.rule.create', { type: 'ticket_routing_rule', id: id ?? '' }, { ...input }, async (trx, scope) => {
      const fields = await checkRule(trx, scope, centerId, input)
      if (!id) return catalogue.insertRule(trx, scope, { centerId, fields })
      if (!(await catalogue.updateRule(trx, scope, { centerId, id, fields }))) throw new AppError('NOT_FOUND', 'no such routing rule')
      return id
    })
    return (await listRules(acting)).find((r) => r.id === ruleId)!
  }

  async function deleteRule(acting: TicketActing, id: string) {
    const centerId = centerOf(acting, { isWrite: true })
    await audited(acting, centerId, 'ticket.rule.delete', { type: 'ticket_routing_rule', id }, {}, async (trx, scope) => {
      if (!(await catalogue.deleteRule(trx, scope, { centerId, id }))) throw new AppError('NOT_FOUND', 'no such routing rule')
    })
  }

  async function listTemplates(acting: TicketActing) {
    const centerId = centerOf(acting, { isWrite: false })
    return inScope(db, acting.tenant.scope, (trx) => catalogue.listTemplates(trx, acting.tenant.scope, { centerId }))
  }

  async function saveTemplate(acting: TicketActing, id: string | null, input: { name: string; body: string; isActive?: boolean }) {
    const centerId = centerOf(acting, { isWrite: true })
    try {
      const templateId = await audited(acting, centerId, id ? 'ticket.template.update' : 'ticket.template.create', { type: 'reply_template', id: id ?? '' }, { name: input.name }, async (trx, scope) => {
        const saved = await catalogue.upsertTemplate(trx, scope, { centerId, id: id ?? undefined, name: input.name.trim(), body: input.body.trim(), isActive: input.isActive ?? true })
        if (!saved) throw new AppError('NOT_FOUND', 'no such template')
        return saved
      })
      return (await listTemplates(acting)).find((t) => t.id === templateId)!
    } catch (error) {
      if (isUniqueViolation(error, 'reply_templates_name')) throw new AppError('CONFLICT', 'a template of that name exists', { errors: [{ field: 'name', message: 'is taken' }] })
      throw error
    }
  }

  async function getSettings(acting: TicketActing): Promise<TicketSettings> {
    const centerId = centerOf(acting, { isWrite: false })
    return inScope(db, acting.tenant.scope, (trx) => loadSettings(trx, acting.tenant.scope, centerId))
  }

  /** Saves the settings sent over the current ones (clocks kind by kind); open tickets keep their clocks. */
  async function saveSettings(acting: TicketActing & { actorId: string }, input: Partial<TicketSettings>): Promise<TicketSettings> {
    const centerId = centerOf(acting, { isWrite: true })
    return audited(acting, centerId, 'ticket.settings.update', { type: 'ticket_settings', id: centerId }, { ...input }, async (trx, scope) => {
      const current = await catalogue.findSettings(trx, scope, centerId)
      const next = mergeSettings({ ...(current ?? {}), ...input, clocks: { ...((current?.clocks as object) ?? {}), ...(input.clocks ?? {}) } })
      await catalogue.saveSettings(trx, scope, { centerId, config: next as unknown as Record<string, unknown>, updatedBy: acting.actorId })
      return next
    })
  }

  return { listServices, saveService, listRules, saveRule, deleteRule, listTemplates, saveTemplate, getSettings, saveSettings }
}

export type CatalogueService = ReturnType<typeof createCatalogueService>
