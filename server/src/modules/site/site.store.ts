import { sql } from 'kysely'
import { requireTenantScope, type TenantScope, type Tx } from '../../db/scope.js'
import type { SiteCover } from '../../db/schema.js'

/**
 * Every SQL statement of the public site. Rows belong to the center whose site shows them; each
 * query names the center as a plain parameter (RLS is the second wall, and the indexes lead with
 * tenant_id so the planner keeps its tenant-first plans, see DESIGN.md).
 */

/** The nearest center at or above a tenant (a unit's stories appear on its center's site). */
export async function centerOf(trx: Tx, tenantId: string): Promise<{ id: string; slug: string } | undefined> {
  return trx.selectFrom('tenants as t').innerJoin('tenants as s', (j) => j.on(sql<boolean>`t.id = any(s.path)`))
    .select(['t.id', 't.slug']).where('s.id', '=', tenantId).where('t.kind', '=', 'center')
    .orderBy(sql`cardinality(t.path)`, 'desc').limit(1).executeTakeFirst()
}

export interface ArticleFields {
  originTenantId: string
  versionNumber: number
  versionHash: string
  title: string
  subtitle: string
  summary: string
  bodyHtml: string
  bodyText: string
  byline: string
  source: string
  section: string
  tags: string[]
  cover: SiteCover | null
  publishedAt: Date
  correctedAt: Date | null
  correctionNote: string | null
  docLen: number
}

/**
 * Writes the article's current version and turns its channel on (website or feeds); a story that
 * was withdrawn and is published again comes back.
 */
export async function upsertArticle(trx: Tx, scope: TenantScope, { centerId, storyId, channel, fields, now }: {
  centerId: string; storyId: string; channel: 'website' | 'rss'; fields: ArticleFields; now: Date
}): Promise<void> {
  requireTenantScope(scope)
  const values = {
    origin_tenant_id: fields.originTenantId, version_number: fields.versionNumber, version_hash: fields.versionHash,
    title: fields.title, subtitle: fields.subtitle, summary: fields.summary, body_html: fields.bodyHtml, body_text: fields.bodyText,
    byline: fields.byline, source: fields.source, section: fields.section, tags: fields.tags,
    cover: fields.cover ? JSON.stringify(fields.cover) : null, published_at: fields.publishedAt,
    corrected_at: fields.correctedAt, correction_note: fields.correctionNote, doc_len: fields.docLen,
    withdrawn_at: null, withdrawal_reason: null, updated_at: now,
  }
  const flag = channel === 'website' ? { is_on_website: true } : { is_in_feeds: true }
  await trx.insertInto('site_articles').values({ tenant_id: centerId, story_id: storyId, ...values, ...flag })
    .onConflict((c) => c.columns(['tenant_id', 'story_id']).doUpdateSet({ ...values, ...flag }))
    .execute()
}

/** Replaces an article's term frequencies. */
export async function replaceTerms(trx: Tx, scope: TenantScope, { centerId, storyId, terms }: { centerId: string; storyId: string; terms: Map<string, number> }): Promise<void> {
  requireTenantScope(scope)
  await trx.deleteFrom('site_terms').where('tenant_id', '=', centerId).where('story_id', '=', storyId).execute()
  const rows = [...terms].map(([term, tf]) => ({ tenant_id: centerId, story_id: storyId, term, tf }))
  // Bounded batches: a long story has a few thousand distinct terms, over the bind-parameter limit at once.
  for (let i = 0; i < rows.length; i += 1000) await trx.insertInto('site_terms').values(rows.slice(i, i + 1000)).execute()
}

/**
 * Turns one channel off for a story; when neither the website nor the feeds carry it any more it
 * is withdrawn (its page answers 410) and its terms leave the search index.
 * @returns false when the center never had this story.
 */
export async function withdrawArticle(trx: Tx, scope: TenantScope, { centerId, storyId, channel, reason, at }: {
  centerId: string; storyId: string; channel: 'website' | 'rss'; reason: string; at: Date
}): Promise<boolean> {
  requireTenantScope(scope)
  const flag = channel === 'website' ? { is_on_website: false } : { is_in_feeds: false }
  const row = await trx.updateTable('site_articles').set({ ...flag, updated_at: at })
    .where('tenant_id', '=', centerId).where('story_id', '=', storyId)
    .returning(['is_on_website', 'is_in_feeds']).executeTakeFirst()
  if (!row) return false
  if (!row.is_on_website && !row.is_in_feeds) {
    await trx.updateTable('site_articles').set({ withdrawn_at: at, withdrawal_reason: reason })
      .where('tenant_id', '=', centerId).where('story_id', '=', storyId).execute()
    await trx.deleteFrom('site_terms').where('tenant_id', '=', centerId).where('story_id', '=', storyId).execute()
  }
  return true
}

/**
 * Bumps the center's site revision. A publication adds its column to the list when it is new
 * (cheap: no scan, so publishing stays flat with the number of stories); a withdrawal recomputes
 * the list from the stories still on the website (a column may have emptied).
 */
export async function bumpRevision(trx: Tx, scope: TenantScope, { centerId, now, addSection, isRecount = false }: {
  centerId: string; now: Date; addSection?: string; isRecount?: boolean
}): Promise<void> {
  requireTenantScope(scope)
  const recount = sql<string[]>`coalesce((
    select array_agg(section order by latest desc) from (
      select section, max(published_at) as latest from site_articles
      where tenant_id = ${centerId} and is_on_website and section <> '' group by section) s), '{}')`
  const added = addSection
    ? sql<string[]>`case when ${addSection} = any(site_state.columns) then site_state.columns else site_state.columns || array[${addSection}]::text[] end`
    : sql<string[]>`site_state.columns`
  await trx.insertInto('site_state').values({ tenant_id: centerId, revision: 1, columns: recount, updated_at: now })
    .onConflict((c) => c.column('tenant_id').doUpdateSet({ revision: sql`site_state.revision + 1`, columns: isRecount ? recount : added, updated_at: now }))
    .execute()
}

export interface SiteState { revision: string; columns: string[]; updatedAt: Date }

export async function readState(trx: Tx, scope: TenantScope, centerId: string): Promise<SiteState> {
  requireTenantScope(scope)
  const row = await trx.selectFrom('site_state').select(['revision', 'columns', 'updated_at']).where('tenant_id', '=', centerId).executeTakeFirst()
  return row ? { revision: String(row.revision), columns: row.columns, updatedAt: row.updated_at } : { revision: '0', columns: [], updatedAt: new Date(0) }
}

const listColumns = ['story_id', 'title', 'summary', 'section', 'tags', 'cover', 'byline', 'source', 'published_at', 'corrected_at', 'updated_at'] as const

function selectListed(trx: Tx, centerId: string, where: 'website' | 'feeds') {
  return trx.selectFrom('site_articles').select(listColumns)
    .where('tenant_id', '=', centerId).where(where === 'website' ? 'is_on_website' : 'is_in_feeds', '=', true)
}

export type ListedRow = Awaited<ReturnType<ReturnType<typeof selectListed>['executeTakeFirstOrThrow']>>

/** Newest first, one page (offset paging: the page numbers are bounded by the caller). */
export async function listLatest(trx: Tx, scope: TenantScope, { centerId, section, tag, limit, offset }: {
  centerId: string; section?: string; tag?: string; limit: number; offset: number
}): Promise<ListedRow[]> {
  requireTenantScope(scope)
  let q = selectListed(trx, centerId, 'website')
  if (section !== undefined) q = q.where('section', '=', section)
  if (tag !== undefined) q = q.where(sql<boolean>`tags @> array[${tag}]::text[]`)
  return q.orderBy('published_at', 'desc').orderBy('story_id', 'desc').limit(limit).offset(offset).execute()
}

export async function countLatest(trx: Tx, scope: TenantScope, { centerId, section, tag }: { centerId: string; section?: string; tag?: string }): Promise<number> {
  requireTenantScope(scope)
  let q = trx.selectFrom('site_articles').select(sql<string>`count(*)`.as('n')).where('tenant_id', '=', centerId).where('is_on_website', '=', true)
  if (section !== undefined) q = q.where('section', '=', section)
  if (tag !== undefined) q = q.where(sql<boolean>`tags @> array[${tag}]::text[]`)
  return Number((await q.executeTakeFirstOrThrow()).n)
}

/** The newest `limit` stories of each of `sections` (one query, a window per column). */
export async function latestPerSection(trx: Tx, scope: TenantScope, { centerId, sections, limit }: { centerId: string; sections: string[]; limit: number }): Promise<ListedRow[]> {
  requireTenantScope(scope)
  if (sections.length === 0) return []
  const rows = await sql<ListedRow>`
    select s.* from unnest(${sections}::text[]) as c(section)
    cross join lateral (
      select ${sql.join(listColumns.map((c) => sql.ref(`a.${c}`)))} from site_articles a
      where a.tenant_id = ${centerId} and a.is_on_website and a.section = c.section
      order by a.published_at desc, a.story_id desc limit ${limit}) s`.execute(trx)
  return rows.rows
}

/** The feed's items: the newest `limit` stories in the feeds, optionally of one column. */
export async function listFeed(trx: Tx, scope: TenantScope, { centerId, section, limit }: { centerId: string; section?: string; limit: number }) {
  requireTenantScope(scope)
  let q = trx.selectFrom('site_articles')
    .select([...listColumns, 'subtitle', 'body_html'])
    .where('tenant_id', '=', centerId).where('is_in_feeds', '=', true)
  if (section !== undefined) q = q.where('section', '=', section)
  return q.orderBy('published_at', 'desc').orderBy('story_id', 'desc').limit(limit).execute()
}

/** One article by story id, whatever its state (the caller decides between 200, 410 and 404). */
export async function findArticle(trx: Tx, scope: TenantScope, { centerId, storyId }: { centerId: string; storyId: string }) {
  requireTenantScope(scope)
  return trx.selectFrom('site_articles').selectAll().where('tenant_id', '=', centerId).where('story_id', '=', storyId).executeTakeFirst()
}

export type ArticleRow = NonNullable<Awaited<ReturnType<typeof findArticle>>>

/** Stories on the website for the sitemap, newest first, bounded. */
export async function listForSitemap(trx: Tx, scope: TenantScope, { centerId, limit }: { centerId: string; limit: number }) {
  requireTenantScope(scope)
  return trx.selectFrom('site_articles').select(['story_id', 'updated_at', 'published_at'])
    .where('tenant_id', '=', centerId).where('is_on_website', '=', true)
    .orderBy('published_at', 'desc').orderBy('story_id', 'desc').limit(limit).execute()
}

/** Tags in use on the website with their counts (for tag pages and the home page), bounded. */
export async function topTags(trx: Tx, scope: TenantScope, { centerId, limit }: { centerId: string; limit: number }) {
  requireTenantScope(scope)
  const rows = await sql<{ tag: string; n: string }>`
    select tag, count(*) as n from site_articles a, unnest(a.tags) as tag
    where a.tenant_id = ${centerId} and a.is_on_website
    group by tag order by count(*) desc, tag limit ${limit}`.execute(trx)
  return rows.rows.map((r) => ({ tag: r.tag, count: Number(r.n) }))
}

const K1 = 1.2
const B = 0.75
/** Candidates scored per query: a very common word must not make one search rank the whole site. */
export const SEARCH_CANDIDATES = 2000

/** BM25's collection statistics: how many stories the center's website holds and their mean length. */
export interface SearchStats { n: number; avgdl: number }

/** Counts the center's website stories and their mean length (a scan of the center's stories: cache it). */
export async function searchStats(trx: Tx, scope: TenantScope, { centerId }: { centerId: string }): Promise<SearchStats> {
  requireTenantScope(scope)
  const row = await trx.selectFrom('site_articles')
    .select([sql<number>`count(*)::float8`.as('n'), sql<number>`coalesce(avg(doc_len), 1)::float8`.as('avgdl')])
    .where('tenant_id', '=', centerId).where('is_on_website', '=', true).executeTakeFirstOrThrow()
  return { n: Number(row.n), avgdl: Number(row.avgdl) }
}

/**
 * BM25 over the center's website stories with OR semantics (DESIGN.md): each story holding any
 * query term scores Σ idf · tf·(k1+1) / (tf + k1·(1 − b + b·len/avglen)). Document frequencies
 * come from site_terms at query time; each term contributes at most SEARCH_CANDIDATES postings
 * (its highest frequencies, read in the order of site_terms_ranked), which bounds the work of a
 * word found in every story. The collection statistics (`stats`) come from the caller, who keeps
 * them: counting them here made every search read the whole site.
 * The CTE is MATERIALIZED so the plan does not depend on table statistics: without it (a fresh
 * PGlite is never analysed) the planner re-ran the postings once per candidate row.
 * @returns story ids with scores, best first, and how many stories matched in all.
 */
export async function searchArticles(trx: Tx, scope: TenantScope, { centerId, terms, stats, section, from, to, limit, offset }: {
  centerId: string; terms: string[]; stats: SearchStats; section?: string; from?: Date; to?: Date; limit: number; offset: number
}): Promise<{ hits: Array<{ storyId: string; score: number }>; total: number }> {
  requireTenantScope(scope)
  if (terms.length === 0) return { hits: [], total: 0 }
  const filters = sql.join([
    sql`a.tenant_id = ${centerId}`, sql`a.is_on_website`,
    ...(section !== undefined ? [sql`a.section = ${section}`] : []),
    ...(from ? [sql`a.published_at >= ${from}`] : []),
    ...(to ? [sql`a.published_at < ${to}`] : []),
  ], sql` and `)
  const result = await sql<{ story_id: string; score: number; total: string }>`
    with stats as (
      select ${stats.n}::float8 as n, ${stats.avgdl}::float8 as avgdl
    ), postings as materialized (
      select t.term, p.story_id, p.tf::float8 as tf, count(*) over (partition by t.term)::float8 as df
      from unnest(${terms}::text[]) as t(term)
      cross join lateral (
        select st.story_id, st.tf from site_terms st
        where st.tenant_id = ${centerId} and st.term = t.term
        order by st.tf desc, st.story_id limit ${SEARCH_CANDIDATES}) p
    ), scored as (
      select p.story_id,
        sum(ln(1 + (greatest(s.n, p.df) - p.df + 0.5) / (p.df + 0.5)) * p.tf * ${sql.raw(String(K1 + 1))}
          / (p.tf + ${sql.raw(String(K1))} * (1 - ${sql.raw(String(B))} + ${sql.raw(String(B))} * a.doc_len / greatest(s.avgdl, 1))))::float8 as score
      from postings p
      cross join stats s
      -- LATERAL … LIMIT 1 (not flattened into a join) keeps the postings outside and looks each story up by
      -- its primary key (the filters stay outside, so no partial index tempts the planner): never a
      -- scan of the whole site per posting, whatever the statistics say.
      cross join lateral (select a.tenant_id, a.doc_len, a.is_on_website, a.section, a.published_at from site_articles a
        where a.tenant_id = ${centerId} and a.story_id = p.story_id limit 1) a
      where ${filters}
      group by p.story_id
    )
    select story_id, score, count(*) over () as total from scored
    order by score desc, story_id
    limit ${limit} offset ${offset}`.execute(trx)
  const total = result.rows[0] ? Number(result.rows[0].total) : 0
  return { hits: result.rows.map((r) => ({ storyId: r.story_id, score: Number(r.score) })), total }
}

/** Articles by story ids (search results), in no particular order. */
export async function findListed(trx: Tx, scope: TenantScope, { centerId, storyIds }: { centerId: string; storyIds: string[] }) {
  requireTenantScope(scope)
  if (storyIds.length === 0) return []
  return trx.selectFrom('site_articles').select([...listColumns, 'body_text'])
    .where('tenant_id', '=', centerId).where('story_id', 'in', storyIds).where('is_on_website', '=', true).execute()
}
