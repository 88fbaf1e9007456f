import { sql } from 'kysely'
import type { Database } from '../../db/database.js'
import { afterCommit, tenantScope, type Tx } from '../../db/scope.js'
import { AppError, type FieldError } from '../../kernel/errors.js'
import { htmlToPlainText, sanitizeHtml } from '../../kernel/text/sanitize.js'
import { countTerms, indexTokens } from '../../kernel/text/segment.js'
import { ownImagePath } from '../../kernel/text/profiles.js'
import { sitePageCache } from './site.cache.js'
import * as store from './site.store.js'

/** A signed-off story version as the website and the feeds show it (given by publishing). */
export interface SiteArticle {
  tenantId: string
  storyId: string
  versionNumber: number
  versionHash: string
  title: string
  subtitle: string
  summary: string
  /** Sanitised by the website profile (and sanitised again here). */
  bodyHtml: string
  byline: string
  source: string
  /** The column; '' = none. */
  section: string
  tags: string[]
  cover: { url: string; width: number; height: number; alt: string } | null
  publishedAt: Date
  correctedAt: Date | null
  correctionNote: string | null
}

export type SiteChannel = 'website' | 'rss'

/** What the site accepts; each limit is also what a page can show without breaking its layout. */
export const articleLimits = { title: 500, subtitle: 500, summary: 2000, byline: 200, source: 200, section: 50, tags: 20, tag: 30, alt: 300, correctionNote: 2000, bodyHtml: 2_000_000 } as const

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
// Title 3×, subtitle/summary/tags 2×, body 1×: a word in the headline says more about the story.
const WEIGHTS = { title: 3, lead: 2, body: 1 }

function validate(a: SiteArticle): FieldError[] {
  const errors: FieldError[] = []
  const tooLong = (field: keyof typeof articleLimits, value: string) => {
    if (value.length > articleLimits[field]) errors.push({ field, message: `longer than ${articleLimits[field]} characters` })
  }
  if (!UUID.test(a.storyId)) errors.push({ field: 'storyId', message: 'is not a uuid' })
  if (!a.title.trim()) errors.push({ field: 'title', message: 'is empty' })
  if (!Number.isInteger(a.versionNumber) || a.versionNumber < 1) errors.push({ field: 'versionNumber', message: 'must be a positive integer' })
  tooLong('title', a.title); tooLong('subtitle', a.subtitle); tooLong('summary', a.summary); tooLong('byline', a.byline)
  tooLong('source', a.source); tooLong('section', a.section); tooLong('bodyHtml', a.bodyHtml); tooLong('correctionNote', a.correctionNote ?? '')
  if (/[/\\?#]/.test(a.section)) errors.push({ field: 'section', message: 'may not contain / \\ ? or #' })
  if (a.tags.length > articleLimits.tags) errors.push({ field: 'tags', message: `more than ${articleLimits.tags} tags` })
  if (a.tags.some((t) => !t.trim() || t.length > articleLimits.tag || /[/\\?#]/.test(t))) errors.push({ field: 'tags', message: `each tag needs 1–${articleLimits.tag} characters without / \\ ? #` })
  if (!(a.publishedAt instanceof Date) || Number.isNaN(a.publishedAt.getTime())) errors.push({ field: 'publishedAt', message: 'is not a date' })
  if (a.cover) {
    if (!ownImagePath.test(a.cover.url)) errors.push({ field: 'cover.url', message: 'must be a picture served by this platform' })
    if (!a.cover.alt.trim()) errors.push({ field: 'cover.alt', message: 'a cover needs alt text' })
    tooLong('alt', a.cover.alt)
  }
  return errors
}

/**
 * The publisher behind the website and rss channels: stores the rendered article for the
 * center's site, indexes it for search and invalidates the page cache. Runs inside the caller's
 * transaction (the publication's state change and audit entry commit with it).
 *
 * @example const site = createSitePublisher({ db }); await site.publish(trx, { channel: 'website', article })
 */
export function createSitePublisher(deps: { db: Database }) {
  void deps // the publisher works inside the caller's transaction; db is kept for the stable contract

  /**
   * Runs `fn` with the center added to the transaction's RLS scope, then puts the scope back. A
   * unit publishing its own story acts in the unit's scope, yet the story belongs on its
   * center's site; centerOf has just proved the unit lies inside that center.
   */
  async function asCenter<T>(trx: Tx, centerId: string, fn: () => Promise<T>): Promise<T> {
    const { rows } = await sql<{ scope: string | null; ids: string | null }>`select current_setting('app.scope', true) as scope, current_setting('app.tenant_ids', true) as ids`.execute(trx)
    const { scope, ids } = rows[0] ?? { scope: null, ids: null }
    const current = (ids ?? '').replace(/[{}]/g, '').split(',').filter(Boolean)
    if (scope === 'system' || current.includes(centerId)) return fn()
    await sql`select set_config('app.tenant_ids', ${`{${[...current, centerId].join(',')}}`}, true)`.execute(trx)
    try {
      return await fn()
    } finally {
      await sql`select set_config('app.tenant_ids', ${ids ?? ''}, true)`.execute(trx)
    }
  }

  async function centerFor(trx: Tx, tenantId: string) {
    const center = await store.centerOf(trx, tenantId)
    if (!center) throw new AppError('NOT_FOUND', 'this tenant belongs to no center, so it has no public site')
    return center
  }

  const publisher = {
    /** Puts the article (a first version or a correction) on the center's website or feeds. */
    async publish(trx: Tx, { channel, article }: { channel: SiteChannel; article: SiteArticle }): Promise<{ url: string }> {
      const errors = validate(article)
      if (errors.length > 0) throw new AppError('VALIDATION_FAILED', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors })
      const center = await centerFor(trx, article.tenantId)
      return asCenter(trx, center.id, () => publishAt(trx, center, article, channel))
    },

    /**
     * Takes the story off one channel; once off both, its page answers 410 with the notice.
     * Withdrawing what the site never had is a no-op (the publication may have failed before).
     */
    async withdraw(trx: Tx, input: { channel: SiteChannel; tenantId: string; storyId: string; reason: string; at: Date }): Promise<void> {
      if (!UUID.test(input.storyId)) throw new AppError('VALIDATION_FAILED', 'storyId: is not a uuid')
      const center = await centerFor(trx, input.tenantId)
      await asCenter(trx, center.id, () => withdrawAt(trx, center, input))
    },
  }

  async function publishAt(trx: Tx, center: { id: string; slug: string }, article: SiteArticle, channel: SiteChannel): Promise<{ url: string }> {
    const scope = tenantScope(center.id)
    const bodyHtml = sanitizeHtml(article.bodyHtml, 'website').html
    const bodyText = htmlToPlainText(bodyHtml)
    const tags = [...new Set(article.tags.map((t) => t.trim()))]
    const terms = countTerms(indexTokens(article.title), WEIGHTS.title)
    countTerms(indexTokens([article.subtitle, article.summary, tags.join(' ')].join('\n')), WEIGHTS.lead, terms)
    countTerms(indexTokens(bodyText), WEIGHTS.body, terms)
    let docLen = 0
    for (const tf of terms.values()) docLen += tf
    const now = new Date()
    const before = await store.findArticle(trx, scope, { centerId: center.id, storyId: article.storyId })
    const isMoved = Boolean(before?.is_on_website && before.section !== article.section.trim())
    await store.upsertArticle(trx, scope, {
      centerId: center.id, storyId: article.storyId, channel, now,
      fields: {
        originTenantId: article.tenantId, versionNumber: article.versionNumber, versionHash: article.versionHash,
        title: article.title.trim(), subtitle: article.subtitle.trim(), summary: article.summary.trim(), bodyHtml, bodyText,
        byline: article.byline.trim(), source: article.source.trim(), section: article.section.trim(), tags,
        cover: article.cover, publishedAt: article.publishedAt, correctedAt: article.correctedAt,
        correctionNote: article.correctionNote?.trim() || null, docLen,
      },
    })
    await store.replaceTerms(trx, scope, { centerId: center.id, storyId: article.storyId, terms })
    // A correction may move the story to another column: then the list is recounted.
    const section = article.section.trim()
    await store.bumpRevision(trx, scope, { centerId: center.id, now, addSection: channel === 'website' && section ? section : undefined, isRecount: channel === 'website' && isMoved })
    invalidateOnCommit(trx, center.id)
    return { url: `/s/${center.slug}/stories/${article.storyId}` }
  }

  async function withdrawAt(trx: Tx, center: { id: string }, input: { channel: SiteChannel; storyId: string; reason: string; at: Date }): Promise<void> {
    const scope = tenantScope(center.id)
    const isKnown = await store.withdrawArticle(trx, scope, {
      centerId: center.id, storyId: input.storyId, channel: input.channel, reason: input.reason.trim().slice(0, 500), at: input.at,
    })
    if (!isKnown) return
    await store.bumpRevision(trx, scope, { centerId: center.id, now: input.at, isRecount: input.channel === 'website' })
    invalidateOnCommit(trx, center.id)
  }

  return publisher
}

/**
 * Drops the center's cached pages once the publication has committed. Dropped any earlier, a
 * request on another connection could still read the old revision (the new one not yet
 * committed) and keep the old page for up to the revision TTL; a rollback drops nothing.
 */
function invalidateOnCommit(trx: Tx, centerId: string): void {
  afterCommit(trx, () => sitePageCache.invalidate(centerId))
}

export type SitePublisher = ReturnType<typeof createSitePublisher>
