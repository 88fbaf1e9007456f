import type { FastifyReply } from 'fastify'
import type { Database } from '../../db/database.js'
import type { createTicketUploads } from '../assets/ticket-attachments.js'
import type { FaqService } from '../faq/faq.service.js'
import { escapeHtml, type SiteCenter } from '../site/site.layout.js'
import type * as catalogue from './catalogue.store.js'
import type { IntakeService } from './tickets.intake.js'
import type { TicketKind } from './tickets.model.js'
import type { TicketQueries } from './tickets.queries.js'
import type { RepliesService } from './tickets.replies.js'

/**
 * What the citizens' pages of 留言办理 share: the page context the plugin (tickets.site.ts) builds
 * once, and the small pieces of HTML more than one page group draws.
 */

export const TICKETS_ASSETS = '/s/_tickets'
/** A hash over tickets.css and tickets.js (set when the files are read), so year-long caching stays correct. */
let assetsVersion = '0'
export const LOOKUP_RE = /^[2-9A-Za-z]{10}$/

export type Fields = Record<string, string>
export type Errors = Record<string, string>

export const h = escapeHtml

/** Called once by the plugin after it has read the asset files. */
export function setAssetsVersion(version: string): void {
  assetsVersion = version
}

export function head(): string {
  return `<link rel="stylesheet" href="${TICKETS_ASSETS}/tickets.css?v=${assetsVersion}">\n<script src="${TICKETS_ASSETS}/tickets.js?v=${assetsVersion}" defer></script>\n`
}

/** Shanghai wall time, as a citizen reads it: 2026年3月5日 14:07. */
export function chineseTime(iso: string, { isDateOnly = false } = {}): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso)
  if (!m) return iso
  const date = `${m[1]}年${Number(m[2])}月${Number(m[3])}日`
  return isDateOnly ? date : `${date} ${m[4]}:${m[5]}`
}

export function paragraphs(text: string): string {
  return text.split(/\n+/).map((p) => p.trim()).filter(Boolean).map((p) => `<p>${h(p)}</p>`).join('')
}

export function pictures(items: Array<{ url: string }>, label: string): string {
  if (items.length === 0) return ''
  return `<ul class="tk-pictures" aria-label="${h(label)}">${items.map((p, i) => `<li><a href="${h(p.url)}"><img src="${h(p.url)}" alt="${h(label)} ${i + 1}" loading="lazy"></a></li>`).join('')}</ul>`
}

/** What the form and the public list know about a center: kinds with their clocks, categories, consent. */
export interface FormFacts {
  kinds: Array<{ code: TicketKind; name: string; days: number }>
  categories: Array<{ code: string; name: string; description: string; group: string }>
  consentText: string
  isPhoneVerificationRequired: boolean
}

/** Services and helpers the page groups share, built once by ticketSiteRoutes. */
export interface SitePages {
  db: Database
  intake: IntakeService
  queries: TicketQueries
  answers: RepliesService
  faq: FaqService
  uploads: ReturnType<typeof createTicketUploads>
  readLimit: { max: number; timeWindow: string }
  writeLimit: { max: number; timeWindow: string }
  formFacts: (center: SiteCenter) => Promise<FormFacts & { row: catalogue.CenterRow }>
  /** A page for one visitor (no-store); never answered with 304. */
  sendForm: (reply: FastifyReply, html: string, status?: number) => FastifyReply
}
