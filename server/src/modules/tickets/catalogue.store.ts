import { sql } from 'kysely'
import type { TicketKind } from '../../db/schema.js'
import { requireScope, requireTenantScope, type Scope, type TenantScope, type Tx } from '../../db/scope.js'

/** SQL of a center's catalogue (services, routing rules, templates, settings) and of tenant lookups. */

// ---- centers and departments ---------------------------------------------------------------------

/** An enabled center by slug (the public form and Open311 name the center they write to). */
export async function findCenterBySlug(trx: Tx, scope: Scope, slug: string) {
  requireScope(scope)
  return trx.selectFrom('tenants').select(['id', 'slug', 'name', 'kind', 'path'])
    .where('slug', '=', slug).where('kind', '=', 'center').where('is_disabled', '=', false).executeTakeFirst()
}

export type CenterRow = NonNullable<Awaited<ReturnType<typeof findCenterBySlug>>>

/** The enabled units inside the center among `ids`. */
export async function departmentsOf(trx: Tx, scope: TenantScope, { centerId, ids }: { centerId: string; ids: readonly string[] }) {
  requireTenantScope(scope)
  if (ids.length === 0) return []
  return trx.selectFrom('tenants').select(['id', 'name'])
    .where('id', 'in', [...ids]).where('kind', '=', 'unit').where('is_disabled', '=', false)
    .where(sql<boolean>`${centerId}::uuid = any(path)`).execute()
}

export async function tenantNames(trx: Tx, scope: TenantScope, ids: readonly string[]): Promise<Map<string, string>> {
  requireTenantScope(scope)
  const unique = [...new Set(ids)].filter(Boolean)
  if (unique.length === 0) return new Map()
  const rows = await trx.selectFrom('tenants').select(['id', 'name']).where('id', 'in', unique).execute()
  return new Map(rows.map((r) => [r.id, r.name]))
}

// ---- services -----------------------------------------------------------------------------------

const serviceColumns = [
  'id', 'tenant_id', 'code', 'name', 'description', 'group_name', 'keywords', 'default_kind', 'notice', 'attributes', 'open311_type',
  'sort_order', 'is_active', 'created_at', 'updated_at',
] as const

export async function listServices(trx: Tx, scope: TenantScope, { centerId, isActiveOnly }: { centerId: string; isActiveOnly: boolean }) {
  requireTenantScope(scope)
  let query = trx.selectFrom('ticket_services').select(serviceColumns).where('tenant_id', '=', centerId)
  if (isActiveOnly) query = query.where('is_active', '=', true)
  return query.orderBy('sort_order').orderBy('code').execute()
}

export type ServiceRow = Awaited<ReturnType<typeof listServices>>[number]

export async function findService(trx: Tx, scope: TenantScope, { centerId, id, code }: { centerId: string; id?: string; code?: string }): Promise<ServiceRow | undefined> {
  requireTenantScope(scope)
  let query = trx.selectFrom('ticket_services').select(serviceColumns).where('tenant_id', '=', centerId)
  if (id !== undefined) query = query.where('id', '=', id)
  if (code !== undefined) query = query.where('code', '=', code)
  return query.executeTakeFirst()
}

export interface ServiceFields {
  code: string
  name: string
  description: string
  groupName: string
  keywords: string
  defaultKind: TicketKind
  notice: string
  attributes: unknown[]
  open311Type: 'realtime' | 'batch'
  sortOrder: number
  isActive: boolean
}

function serviceValues(f: ServiceFields) {
  return {
    code: f.code, name: f.name, description: f.description, group_name: f.groupName, keywords: f.keywords, default_kind: f.defaultKind,
    notice: f.notice, attributes: JSON.stringify(f.attributes), open311_type: f.open311Type, sort_order: f.sortOrder, is_active: f.isActive,
  }
}

export async function insertService(trx: Tx, scope: TenantScope, { centerId, fields }: { centerId: string; fields: ServiceFields }): Promise<string> {
  requireTenantScope(scope)
  return (await trx.insertInto('ticket_services').values({ tenant_id: centerId, ...serviceValues(fields) }).returning('id').executeTakeFirstOrThrow()).id
}

export async function updateService(trx: Tx, scope: TenantScope, { centerId, id, fields }: { centerId: string; id: string; fields: ServiceFields }): Promise<void> {
  requireTenantScope(scope)
  await trx.updateTable('ticket_services').set({ ...serviceValues(fields), updated_at: new Date() }).where('id', '=', id).where('tenant_id', '=', centerId).execute()
}

// ---- routing rules ------------------------------------------------------------------------------

export async function listRules(trx: Tx, scope: TenantScope, { centerId, serviceId }: { centerId: string; serviceId?: string }) {
  requireTenantScope(scope)
  let query = trx.selectFrom('ticket_routing_rules as r').innerJoin('tenants as d', 'd.id', 'r.department_id')
    .innerJoin('ticket_services as s', 's.id', 'r.service_id')
    .select(['r.id', 'r.service_id', 's.code as service_code', 's.name as service_name', 'r.place_keyword', 'r.department_id', 'd.name as department_name',
      'r.priority', 'r.is_active', 'r.created_at', 'r.updated_at'])
    .where('r.tenant_id', '=', centerId)
  if (serviceId) query = query.where('r.service_id', '=', serviceId).where('r.is_active', '=', true)
  return query.orderBy('s.sort_order').orderBy('r.priority', 'desc').orderBy('r.created_at').execute()
}

export type RuleRow = Awaited<ReturnType<typeof listRules>>[number]

export interface RuleFields {
  serviceId: string
  placeKeyword: string | null
  departmentId: string
  priority: number
  isActive: boolean
}

export async function insertRule(trx: Tx, scope: TenantScope, { centerId, fields }: { centerId: string; fields: RuleFields }): Promise<string> {
  requireTenantScope(scope)
  return (await trx.insertInto('ticket_routing_rules').values({
    tenant_id: centerId, service_id: fields.serviceId, place_keyword: fields.placeKeyword, department_id: fields.departmentId,
    priority: fields.priority, is_active: fields.isActive,
  }).returning('id').executeTakeFirstOrThrow()).id
}

export async function updateRule(trx: Tx, scope: TenantScope, { centerId, id, fields }: { centerId: string; id: string; fields: RuleFields }): Promise<boolean> {
  requireTenantScope(scope)
  const result = await trx.updateTable('ticket_routing_rules').set({
    service_id: fields.serviceId, place_keyword: fields.placeKeyword, department_id: fields.departmentId, priority: fields.priority,
    is_active: fields.isActive, updated_at: new Date(),
  }).where('id', '=', id).where('tenant_id', '=', centerId).executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

export async function deleteRule(trx: Tx, scope: TenantScope, { centerId, id }: { centerId: string; id: string }): Promise<boolean> {
  requireTenantScope(scope)
  const result = await trx.deleteFrom('ticket_routing_rules').where('id', '=', id).where('tenant_id', '=', centerId).executeTakeFirst()
  return Number(result.numDeletedRows) === 1
}

// ---- reply templates ----------------------------------------------------------------------------

export async function listTemplates(trx: Tx, scope: TenantScope, { centerId }: { centerId: string }) {
  requireTenantScope(scope)
  return trx.selectFrom('reply_templates').select(['id', 'name', 'body', 'is_active', 'created_at', 'updated_at'])
    .where('tenant_id', '=', centerId).orderBy('name').execute()
}

export type TemplateRow = Awaited<ReturnType<typeof listTemplates>>[number]

export async function upsertTemplate(trx: Tx, scope: TenantScope, { centerId, id, name, body, isActive }: { centerId: string; id?: string; name: string; body: string; isActive: boolean }): Promise<string | undefined> {
  requireTenantScope(scope)
  if (id) {
    const result = await trx.updateTable('reply_templates').set({ name, body, is_active: isActive, updated_at: new Date() })
      .where('id', '=', id).where('tenant_id', '=', centerId).executeTakeFirst()
    return Number(result.numUpdatedRows) === 1 ? id : undefined
  }
  return (await trx.insertInto('reply_templates').values({ tenant_id: centerId, name, body, is_active: isActive }).returning('id').executeTakeFirstOrThrow()).id
}

// ---- settings -----------------------------------------------------------------------------------

export async function findSettings(trx: Tx, scope: TenantScope, centerId: string): Promise<Record<string, unknown> | null> {
  requireTenantScope(scope)
  const row = await trx.selectFrom('ticket_settings').select('config').where('tenant_id', '=', centerId).executeTakeFirst()
  return row?.config ?? null
}

export async function settingsOf(trx: Tx, scope: Scope, centerIds: readonly string[]): Promise<Map<string, Record<string, unknown>>> {
  requireScope(scope)
  if (centerIds.length === 0) return new Map()
  const rows = await trx.selectFrom('ticket_settings').select(['tenant_id', 'config']).where('tenant_id', 'in', [...centerIds]).execute()
  return new Map(rows.map((r) => [r.tenant_id, r.config]))
}

export async function saveSettings(trx: Tx, scope: TenantScope, { centerId, config, updatedBy }: { centerId: string; config: Record<string, unknown>; updatedBy: string }): Promise<void> {
  requireTenantScope(scope)
  await trx.insertInto('ticket_settings').values({ tenant_id: centerId, config: JSON.stringify(config), updated_by: updatedBy })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ config: JSON.stringify(config), updated_by: updatedBy, updated_at: new Date() }))
    .execute()
}

// ---- phone verification codes -------------------------------------------------------------------

export async function insertPhoneCode(trx: Tx, scope: TenantScope, c: { centerId: string; phone: string; codeHash: string; expiresAt: Date }): Promise<void> {
  requireTenantScope(scope)
  await trx.insertInto('ticket_phone_codes').values({ tenant_id: c.centerId, phone: c.phone, code_hash: c.codeHash, expires_at: c.expiresAt }).execute()
}

export async function countPhoneCodes(trx: Tx, scope: TenantScope, { centerId, phone, since }: { centerId: string; phone: string; since: Date }): Promise<number> {
  requireTenantScope(scope)
  const row = await trx.selectFrom('ticket_phone_codes').select((eb) => eb.fn.countAll<string>().as('n'))
    .where('tenant_id', '=', centerId).where('phone', '=', phone).where('created_at', '>=', since).executeTakeFirstOrThrow()
  return Number(row.n)
}

/** The newest live code of a phone, locked (each wrong guess counts against it). */
export async function livePhoneCode(trx: Tx, scope: TenantScope, { centerId, phone, now }: { centerId: string; phone: string; now: Date }) {
  requireTenantScope(scope)
  return trx.selectFrom('ticket_phone_codes').select(['id', 'code_hash', 'attempts'])
    .where('tenant_id', '=', centerId).where('phone', '=', phone).where('consumed_at', 'is', null).where('expires_at', '>', now)
    .orderBy('created_at', 'desc').limit(1).forUpdate().executeTakeFirst()
}

export async function touchPhoneCode(trx: Tx, scope: TenantScope, { id, isConsumed, now }: { id: string; isConsumed: boolean; now: Date }): Promise<void> {
  requireTenantScope(scope)
  await trx.updateTable('ticket_phone_codes').set(isConsumed ? { consumed_at: now } : { attempts: sql`attempts + 1` }).where('id', '=', id).execute()
}

export async function findTemplate(trx: Tx, scope: TenantScope, { centerId, id }: { centerId: string; id: string }) {
  requireTenantScope(scope)
  return trx.selectFrom('reply_templates').select(['id', 'name', 'body', 'is_active']).where('id', '=', id).where('tenant_id', '=', centerId).executeTakeFirst()
}
