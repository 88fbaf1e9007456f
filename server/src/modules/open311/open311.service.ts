import crypto from 'node:crypto'
import type { Database } from '../../db/database.js'
import { inScope, tenantScope } from '../../db/scope.js'
import type { TenantContext } from '../../kernel/access.js'
import { appendAudit, withContext, type AuditContext } from '../../kernel/audit.js'
import { AppError } from '../../kernel/errors.js'
import { tokenHash } from '../../kernel/secrets.js'
import { toShanghaiIso } from '../calendar/calendar.js'
import type { CenterRow, ServiceRow } from '../tickets/catalogue.store.js'
import { createIntakeService } from '../tickets/tickets.intake.js'
import { maskPersonalData } from '../tickets/tickets.mask.js'
import { closedStates, stateNames } from '../tickets/tickets.model.js'
import { createOpen311Tickets } from '../tickets/tickets.open311.js'
import type { TicketRow } from '../tickets/tickets.store.js'
import type { XmlNode } from './open311.format.js'
import { checkRequest, type Open311Form } from './open311.input.js'
import * as store from './open311.store.js'

export const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2'
const CHANGESET = '2026-11-22T00:00:00+08:00'
const MAX_RANGE_MS = 90 * 86_400_000
const W3_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/

function bad(description: string): AppError {
  return new AppError('VALIDATION_FAILED', description)
}

function w3Date(name: string, value: string | undefined): Date | undefined {
  if (value === undefined || value === '') return undefined
  if (!W3_DATETIME.test(value) || Number.isNaN(Date.parse(value))) throw bad(`${name} must be a w3 date-time with a time zone, e.g. 2026-01-01T00:00:00+08:00`)
  return new Date(value)
}

function list(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined
  return value.split(',').map((v) => v.trim()).filter(Boolean)
}

/** The Open311 view of a ticket: public text masked, nothing of a non-public ticket but its status. */
function requestNode(t: TicketRow, services: Map<string, { code: string; name: string; notice: string }>, names: Map<string, string>): XmlNode {
  const service = services.get(t.service_id)
  const isClosed = closedStates.includes(t.state)
  const isShown = t.is_public && t.kind !== 'report' && t.state !== 'rejected'
  const people = t.citizen_name ? [t.citizen_name] : []
  const updated = isClosed ? t.closed_at ?? t.published_at ?? t.updated_at : t.updated_at
  return {
    service_request_id: t.number,
    status: isClosed ? 'closed' : 'open',
    status_notes: t.state_note && (t.state === 'rejected' || t.state === 'merged') ? `${stateNames[t.state]}：${t.state_note}` : stateNames[t.state],
    service_name: service?.name ?? null,
    service_code: service?.code ?? null,
    description: isShown ? maskPersonalData(t.body, { names: people }) : null,
    agency_responsible: t.lead_department_id ? names.get(t.lead_department_id) ?? null : null,
    service_notice: service?.notice || null,
    requested_datetime: toShanghaiIso(new Date(t.created_at)),
    updated_datetime: toShanghaiIso(new Date(updated)),
    expected_datetime: toShanghaiIso(new Date(t.final_due_at)),
    address: isShown && t.address ? maskPersonalData(t.address, { names: people }) : null,
    address_id: null,
    zipcode: null,
    lat: isShown ? t.lat : null,
    long: isShown ? t.long : null,
    media_url: isShown ? t.media_url : null,
  }
}

function serviceNode(s: ServiceRow): XmlNode {
  return {
    service_code: s.code, service_name: s.name, description: s.description || null, metadata: (s.attributes as unknown[]).length > 0,
    type: s.open311_type, keywords: s.keywords || null, group: s.group_name || null,
  }
}

export interface KeyActing {
  actorId: string
  tenant: Pick<TenantContext, 'id' | 'kind' | 'scope'>
  audit: AuditContext
}

/** GeoReport v2 over the tickets of each center (`jurisdiction_id` = the center's slug). */
export function createOpen311Service({ db, clock = () => new Date() }: { db: Database; clock?: () => Date }) {
  const intake = createIntakeService({ db, clock })
  const tickets = createOpen311Tickets({ db })

  async function jurisdiction(id: string | undefined): Promise<CenterRow> {
    if (!id) throw bad('jurisdiction_id was not provided (this endpoint serves several jurisdictions: use a center slug)')
    try {
      return await intake.resolveCenter(id)
    } catch {
      throw new AppError('NOT_FOUND', `jurisdiction_id ${id} not found`)
    }
  }

  function discovery(baseUrl: string): XmlNode {
    return {
      changeset: CHANGESET, contact: '请联系所在融媒体中心获取 Open311 接口密钥', key_service: '各融媒体中心在管理后台“接口密钥”中签发 api_key',
      endpoints: ['endpoint', [{ specification: SPECIFICATION, url: baseUrl, changeset: CHANGESET, type: 'production', formats: ['format', ['text/xml', 'application/json']] }]],
    }
  }

  async function services(center: CenterRow): Promise<XmlNode[]> {
    return (await tickets.services(center.id)).map(serviceNode)
  }

  async function definition(center: CenterRow, code: string): Promise<XmlNode> {
    const service = await tickets.service(center.id, code)
    if (!service) throw new AppError('NOT_FOUND', `service_code ${code} not found`)
    const attributes = (service.attributes as Array<Record<string, unknown>>).map((a) => ({
      variable: a.variable ?? true, code: a.code, datatype: a.datatype, required: a.required, datatype_description: a.datatypeDescription ?? null,
      order: a.order, description: a.description,
      ...(Array.isArray(a.values) && a.values.length ? { values: ['value', (a.values as Array<{ key: string; name: string }>).map((v) => ({ key: v.key, name: v.name }))] } : {}),
    })) as unknown as XmlNode[]
    return { service_code: service.code, attributes: ['attribute', attributes] }
  }

  /** GET requests: ids override everything; else service codes, status, and a range of at most 90 days (default: the last 90). */
  async function requests(center: CenterRow, q: Record<string, string | undefined>): Promise<XmlNode[]> {
    const ids = list(q.service_request_id)
    if (ids?.some((id) => !/^\d{1,18}$/.test(id))) throw bad('service_request_id must be a comma-separated list of request ids')
    const statuses = list(q.status)
    if (statuses?.some((s) => s !== 'open' && s !== 'closed')) throw bad('status must be open, closed, or both comma-separated')
    let start = w3Date('start_date', q.start_date)
    let end = w3Date('end_date', q.end_date)
    if (start && end && end < start) throw bad('end_date is before start_date')
    if (start && end && end.getTime() - start.getTime() > MAX_RANGE_MS) throw bad('start_date to end_date may not span more than 90 days')
    if (!start && !end) end = clock()
    if (!start) start = new Date(end!.getTime() - MAX_RANGE_MS)
    if (!end) end = new Date(start.getTime() + MAX_RANGE_MS)
    const found = await tickets.requests(center.id, {
      numbers: ids, serviceCodes: list(q.service_code), statuses: statuses as Array<'open' | 'closed'> | undefined, start, end, limit: 1000,
    })
    return found.rows.map((t) => requestNode(t, found.services, found.names))
  }

  async function request(center: CenterRow, id: string): Promise<XmlNode[]> {
    if (!/^\d{1,18}$/.test(id)) throw new AppError('NOT_FOUND', `service_request_id ${id} not found`)
    const found = await tickets.request(center.id, id)
    if (found.rows.length === 0) throw new AppError('NOT_FOUND', `service_request_id ${id} not found`)
    return found.rows.map((t) => requestNode(t, found.services, found.names))
  }

  async function token(center: CenterRow, value: string): Promise<XmlNode[]> {
    const scope = tenantScope(center.id)
    const row = await inScope(db, scope, (trx) => store.findToken(trx, scope, { centerId: center.id, token: value }))
    const number = row ? await tickets.numberOf(center.id, row.ticket_id) : undefined
    if (!number) throw new AppError('NOT_FOUND', `token ${value} not found`)
    return [{ service_request_id: number, token: value }]
  }

  /** POST requests: the api_key of this jurisdiction, then the same intake as the public form. */
  async function create(form: Open311Form, audit: AuditContext): Promise<XmlNode[]> {
    const center = await jurisdiction(form.jurisdiction_id)
    const scope = tenantScope(center.id)
    const key = form.api_key ? await inScope(db, scope, (trx) => store.findKey(trx, scope, { centerId: center.id, keyHash: tokenHash(form.api_key!) })) : undefined
    if (!key) throw new AppError('FORBIDDEN', "Invalid api_key received -- can't proceed with create_request.")
    if (!form.service_code) throw bad('service_code was not provided')
    const service = await tickets.service(center.id, form.service_code)
    if (!service) throw new AppError('NOT_FOUND', `service_code ${form.service_code} not found`)
    const input = checkRequest(form, service)
    const isBatch = service.open311_type === 'batch'
    const batchToken = isBatch ? crypto.randomBytes(12).toString('base64url') : null
    const result = await intake.submit({
      center, input, channel: 'open311', audit: { ...audit, tenantId: center.id }, actorName: `open311:${key.name}`,
      onStored: async (trx, s, ticket) => {
        await store.touchKey(trx, s, { id: key.id, at: clock() })
        if (batchToken) await store.insertToken(trx, s, { centerId: center.id, token: batchToken, ticketId: ticket.id })
      },
    })
    const notice = service.notice || null
    return [batchToken
      ? { token: batchToken, service_notice: notice, account_id: form.account_id ?? null }
      : { service_request_id: result.number, service_notice: notice, account_id: form.account_id ?? null }]
  }

  function centerOf(acting: KeyActing): string {
    if (acting.tenant.kind !== 'center') throw new AppError('FORBIDDEN', '请在融媒体中心中管理 Open311 接口密钥', { extra: { permission: 'ticket.dispatch' } })
    return acting.tenant.id
  }

  async function listKeys(acting: KeyActing) {
    const centerId = centerOf(acting)
    return inScope(db, acting.tenant.scope, (trx) => store.listKeys(trx, acting.tenant.scope, centerId))
  }

  /** Issues a key; its text is shown once, only its sha256 is kept. */
  async function createKey(acting: KeyActing, { name }: { name: string }) {
    const centerId = centerOf(acting)
    const key = `o311_${crypto.randomBytes(24).toString('base64url')}`
    const row = await inScope(db, acting.tenant.scope, async (trx) => {
      const inserted = await store.insertKey(trx, acting.tenant.scope, { centerId, name: name.trim(), keyHash: tokenHash(key), prefix: key.slice(0, 9), createdBy: acting.actorId })
      await appendAudit(trx, withContext(acting.audit, { action: 'open311.key.create', targetType: 'open311_key', targetId: inserted.id, details: { name: inserted.name } }))
      return inserted
    })
    return { key, row }
  }

  async function revokeKey(acting: KeyActing, id: string) {
    const centerId = centerOf(acting)
    await inScope(db, acting.tenant.scope, async (trx) => {
      if (!(await store.revokeKey(trx, acting.tenant.scope, { centerId, id }))) throw new AppError('NOT_FOUND', 'no such live key')
      await appendAudit(trx, withContext(acting.audit, { action: 'open311.key.revoke', targetType: 'open311_key', targetId: id }))
    })
  }

  return { jurisdiction, discovery, services, definition, requests, request, token, create, listKeys, createKey, revokeKey }
}

export type Open311Service = ReturnType<typeof createOpen311Service>
