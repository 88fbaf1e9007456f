import crypto from 'node:crypto'
import type { Database } from '../../db/database.js'
import { inScope, systemScope, tenantScope, type TenantScope, type Tx } from '../../db/scope.js'
import type { AuditContext } from '../../kernel/audit.js'
import { AppError } from '../../kernel/errors.js'
import { tokenHash } from '../../kernel/secrets.js'
import { shanghaiDate } from '../calendar/calendar.js'
import { attachmentHooks } from './attachments.js'
import * as catalogue from './catalogue.store.js'
import { computeDeadlines, nextCheckAt, planChecks, type Deadlines } from './tickets.clocks.js'
import { clockCalendar, loadSettings, record, type TicketActing } from './tickets.core.js'
import { clockDaysFor, type TicketKind } from './tickets.model.js'
import * as replies from './replies.store.js'
import { isMobile, jaccard, NEAR_IDENTICAL, newLookupCode, normalizePhone, suggestRoute, textFingerprint, ticketTerms } from './tickets.rules.js'
import * as store from './tickets.store.js'
import { verificationProvider } from './verification.js'

export interface IntakeInput {
  /** Required on the web form; Open311 requests take their service's default kind. */
  kind?: TicketKind
  /** The service code in the center's catalogue. */
  category: string
  title: string
  text: string
  address?: string
  lat?: number | null
  long?: number | null
  name?: string
  phone?: string
  isNamePublic?: boolean
  consent?: boolean
  verificationCode?: string
  attachmentIds?: string[]
  email?: string
  deviceId?: string
  accountId?: string
  mediaUrl?: string
  attributes?: Record<string, unknown>
}

export interface IntakeResult {
  id: string
  number: string
  lookupCode: string
  kind: TicketKind
  service: catalogue.ServiceRow
  createdAt: Date
  deadlines: Deadlines
}

const CODE_VALID_MINUTES = 10
const CODE_MAX_ATTEMPTS = 5
const CODES_PER_HOUR = 5
const CENTER_TTL_MS = 10_000

function invalid(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', `${field}: ${message}`, { errors: [{ field, message }] })
}

function codeHash(centerId: string, phone: string, code: string): string {
  return tokenHash(`${centerId}:${phone}:${code}`)
}

/** A wrong or missing code: counted in a transaction of its own, since the intake rolls back. */
class VerificationMiss extends Error {
  constructor(readonly codeId: string | null) { super('verification code missing or wrong') }
}

/** Intake of citizens' messages from the public form and from Open311 clients. */
export function createIntakeService({ db, clock = () => new Date() }: { db: Database; clock?: () => Date }) {
  // Every public request names its center; a short memory saves a transaction per request. Only
  // centers found are kept (their number is small), so a disabled center stops taking messages
  // within CENTER_TTL_MS.
  const centers = new Map<string, { row: catalogue.CenterRow; until: number }>()

  /** The enabled center a public request names by slug; anything else is 404. */
  async function resolveCenter(slug: string): Promise<catalogue.CenterRow> {
    const known = centers.get(slug)
    if (known && known.until > Date.now()) return known.row
    const center = await inScope(db, systemScope, (trx) => catalogue.findCenterBySlug(trx, systemScope, slug))
    if (!center) throw new AppError('TENANT_NOT_FOUND', `no center ${slug}`)
    centers.set(slug, { row: center, until: Date.now() + CENTER_TTL_MS })
    return center
  }

  function publicActing(center: catalogue.CenterRow, audit: AuditContext, actorName: string): TicketActing {
    const scope = tenantScope(center.id)
    return { actorId: null, actorName, tenant: { id: center.id, kind: 'center', path: center.path, scope }, audit: { ...audit, tenantId: center.id, actorName } }
  }

  async function checkCode(trx: Tx, scope: TenantScope, { centerId, phone, code, now }: { centerId: string; phone: string; code?: string; now: Date }) {
    const live = await catalogue.livePhoneCode(trx, scope, { centerId, phone, now })
    if (!live || live.attempts >= CODE_MAX_ATTEMPTS) throw new VerificationMiss(null)
    if (!code || codeHash(centerId, phone, code) !== live.code_hash) throw new VerificationMiss(live.id)
    await catalogue.touchPhoneCode(trx, scope, { id: live.id, isConsumed: true, now })
  }

  async function guardResubmission(trx: Tx, scope: TenantScope, { centerId, phone, terms, text, now, window, dailyLimit }: {
    centerId: string; phone: string; terms: string[]; text: string; now: Date; window: number; dailyLimit: number
  }) {
    await store.lockPhone(trx, scope, { centerId, phone })
    const recent = await store.recentByPhone(trx, scope, { centerId, phone, since: new Date(now.getTime() - 86_400_000) })
    const since = now.getTime() - window * 60_000
    const fingerprint = textFingerprint(text)
    const same = recent.find((r) => new Date(r.created_at).getTime() >= since
      && (textFingerprint(`${r.title}\n${r.body}`) === fingerprint || jaccard(r.terms, terms) >= NEAR_IDENTICAL))
    if (same) {
      throw new AppError('TICKET_DUPLICATE', '您刚刚已提交过相同内容的留言，请使用已有的查询码跟进', { extra: { lookupCode: same.lookup_code, number: same.number } })
    }
    if (recent.length >= dailyLimit) throw new AppError('TICKET_PHONE_LIMIT', `同一手机号每天最多提交 ${dailyLimit} 条留言`, { extra: { limit: dailyLimit } })
  }

  /**
   * Stores one message in one transaction: checks (verification code, catalogue, daily limit,
   * duplicate guard), deadlines from the working-day calendar, the routing suggestion, the
   * timeline entry, the `ticket.submitted` event and the audit entry. `onStored` runs in the same
   * transaction (Open311 stores its token there).
   */
  async function submit({ center, input, channel, audit, actorName, onStored }: {
    center: catalogue.CenterRow; input: IntakeInput; channel: 'web' | 'open311'; audit: AuditContext; actorName: string
    onStored?: (trx: Tx, scope: TenantScope, ticket: { id: string; number: string }) => Promise<void>
  }): Promise<IntakeResult> {
    const now = clock()
    const phone = input.phone ? normalizePhone(input.phone) : ''
    if (channel === 'web') {
      if (!isMobile(phone)) throw invalid('phone', 'must be a mainland mobile number (11 digits)')
      if (input.consent !== true) throw invalid('consent', 'must be given to submit a message')
      if (!input.kind) throw invalid('kind', 'is required')
      if (!input.name?.trim()) throw invalid('name', 'is required')
    }
    if ((input.lat == null) !== (input.long == null)) throw invalid(input.lat == null ? 'lat' : 'long', 'lat and long go together')
    const uploads = input.attachmentIds ?? []
    if (uploads.length > 0 && !attachmentHooks()) throw new AppError('TICKET_ATTACHMENTS_UNAVAILABLE', '暂不支持上传附件', { errors: [{ field: 'attachmentIds', message: 'attachments are not available' }] })
    const acting = publicActing(center, audit, actorName)
    const scope = acting.tenant.scope
    const title = input.title.trim()
    const body = input.text.trim()
    const name = input.name?.trim() ?? ''
    const address = input.address?.trim() ?? ''
    try {
      return await inScope(db, scope, async (trx) => {
        const settings = await loadSettings(trx, scope, center.id)
        if (channel === 'web' && settings.isPhoneVerificationRequired) await checkCode(trx, scope, { centerId: center.id, phone, code: input.verificationCode, now })
        const service = await catalogue.findService(trx, scope, { centerId: center.id, code: input.category })
        if (!service || !service.is_active) throw invalid('category', 'is not a service of this center')
        const terms = ticketTerms({ title, body, names: name ? [name] : [] })
        if (phone) {
          await guardResubmission(trx, scope, {
            centerId: center.id, phone, terms, text: `${title}\n${body}`, now, window: settings.duplicateWindowMinutes, dailyLimit: settings.phoneDailyLimit,
          })
        }
        const kind = input.kind ?? service.default_kind
        const days = clockDaysFor(settings, { kind, isUrgent: false })
        const anchor = shanghaiDate(now)
        const calendar = await clockCalendar(trx, scope, anchor, anchor)
        const clocks = { clock_anchor: anchor, sign_for_anchor: anchor, sign_for_days: days.signFor, first_response_days: days.firstResponse, final_days: days.final, extension_days: 0 }
        const deadlines = computeDeadlines(clocks, calendar)
        const suggestion = suggestRoute(await catalogue.listRules(trx, scope, { centerId: center.id, serviceId: service.id }), { address, text: body })
        const planned = planChecks({
          ...clocks, state: 'submitted', sign_for_due_at: deadlines.signFor, first_response_due_at: deadlines.firstResponse, final_due_at: deadlines.final,
          signed_for_at: null, first_response_at: null, replied_at: null, published_at: null,
        }, settings, calendar)
        const values: store.NewTicket = {
          channel, kind, service_id: service.id, title, body, address, lat: input.lat ?? null, long: input.long ?? null,
          citizen_name: name, citizen_phone: phone, is_name_public: input.isNamePublic ?? false, is_public: kind !== 'report',
          consent_version: channel === 'web' ? settings.consentVersion : null, consent_at: channel === 'web' ? now : null,
          citizen_email: input.email ?? null, device_id: input.deviceId ?? null, account_id: input.accountId ?? null, media_url: input.mediaUrl ?? null,
          attributes: JSON.stringify(input.attributes ?? {}), terms, suggested_department_id: suggestion?.department_id ?? null, ...clocks,
          sign_for_due_at: deadlines.signFor, first_response_due_at: deadlines.firstResponse, final_due_at: deadlines.final,
          next_check_at: nextCheckAt(planned, new Set()), created_at: now, updated_at: now,
        }
        let inserted: { id: string; number: string } | undefined
        let lookupCode = ''
        for (let attempt = 0; !inserted && attempt < 5; attempt++) {
          lookupCode = newLookupCode()
          inserted = await store.insertTicket(trx, scope, { centerId: center.id, lookupCode, values })
        }
        if (!inserted) throw new Error('could not draw a free lookup code')
        const ticket = { ...inserted, tenant_id: center.id }
        if (uploads.length > 0) {
          const refs = await attachmentHooks()!.claim(trx, scope, { centerId: center.id, ticketId: ticket.id, replyId: null, uploadIds: uploads, field: 'attachmentIds' })
          await replies.insertAttachments(trx, scope, { centerId: center.id, ticketId: ticket.id, assets: refs })
        }
        await onStored?.(trx, scope, ticket)
        await record(trx, acting, ticket, {
          action: 'submitted', from: null, to: 'submitted', isPublic: true,
          details: { channel, kind, service: service.code, suggestedDepartmentId: suggestion?.department_id ?? null },
        }, now)
        return { id: ticket.id, number: ticket.number, lookupCode, kind, service, createdAt: now, deadlines }
      })
    } catch (error) {
      if (!(error instanceof VerificationMiss)) throw error
      if (error.codeId) await inScope(db, scope, (trx) => catalogue.touchPhoneCode(trx, scope, { id: error.codeId!, isConsumed: false, now }))
      throw new AppError('TICKET_VERIFICATION_FAILED', '短信验证码错误或已过期，请重新获取', { errors: [{ field: 'verificationCode', message: 'is missing, wrong or expired' }] })
    }
  }

  /** Sends an SMS code to a mobile number through the registered provider (at most 5 an hour). */
  async function sendVerificationCode({ center, phone: raw }: { center: catalogue.CenterRow; phone: string }): Promise<{ validMinutes: number }> {
    const phone = normalizePhone(raw)
    if (!isMobile(phone)) throw invalid('phone', 'must be a mainland mobile number (11 digits)')
    const now = clock()
    const scope = tenantScope(center.id)
    const code = String(crypto.randomInt(0, 1_000_000)).padStart(6, '0')
    await inScope(db, scope, async (trx) => {
      await store.lockPhone(trx, scope, { centerId: center.id, phone })
      if (await catalogue.countPhoneCodes(trx, scope, { centerId: center.id, phone, since: new Date(now.getTime() - 3_600_000) }) >= CODES_PER_HOUR) {
        throw new AppError('RATE_LIMITED', '验证码发送过于频繁，请稍后再试')
      }
      await catalogue.insertPhoneCode(trx, scope, { centerId: center.id, phone, codeHash: codeHash(center.id, phone, code), expiresAt: new Date(now.getTime() + CODE_VALID_MINUTES * 60_000) })
    })
    // After commit, never inside the transaction: the SMS gateway is a network call.
    await verificationProvider().send({ phone, code, centerName: center.name, validMinutes: CODE_VALID_MINUTES })
    return { validMinutes: CODE_VALID_MINUTES }
  }

  /** What the public form needs: the catalogue, the kinds, the limits and the consent text. */
  async function formOf(center: catalogue.CenterRow) {
    const scope = tenantScope(center.id)
    return inScope(db, scope, async (trx) => ({
      services: await catalogue.listServices(trx, scope, { centerId: center.id, isActiveOnly: true }),
      settings: await loadSettings(trx, scope, center.id),
    }))
  }

  return { resolveCenter, submit, sendVerificationCode, formOf }
}

export type IntakeService = ReturnType<typeof createIntakeService>
