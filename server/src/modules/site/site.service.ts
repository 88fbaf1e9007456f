import type { Database } from '../../db/database.js'
import { inScope, tenantScope } from '../../db/scope.js'
import { queryTokens } from '../../kernel/text/segment.js'
import * as store from './site.store.js'

/**
 * What the public pages read, per center: lists, one story, search, feeds, sitemap. Each call
 * is one short read transaction in the center's scope.
 */
export function createSiteReader({ db }: { db: Database }) {
  function read<T>(centerId: string, fn: (trx: Parameters<Parameters<typeof inScope<T>>[2]>[0], scope: ReturnType<typeof tenantScope>) => Promise<T>): Promise<T> {
    const scope = tenantScope(centerId)
    return inScope(db, scope, (trx) => fn(trx, scope))
  }

  // BM25's collection statistics per center, for the site revision they were counted at: every
  // publication, correction and withdrawal bumps the revision in its own transaction, so a kept
  // count is exact, and counting (a scan of the center's stories) happens once per change, not per search.
  const statsByCenter = new Map<string, { revision: string; stats: store.SearchStats }>()
  async function searchStats(trx: Parameters<Parameters<typeof inScope>[2]>[0], scope: ReturnType<typeof tenantScope>, centerId: string): Promise<store.SearchStats> {
    const { revision } = await store.readState(trx, scope, centerId)
    const known = statsByCenter.get(centerId)
    if (known?.revision === revision) return known.stats
    const stats = await store.searchStats(trx, scope, { centerId })
    statsByCenter.set(centerId, { revision, stats })
    return stats
  }

  return {
    /** The home page: the latest stories, a few per column, and the most used tags. */
    home: (centerId: string, { columns, latest, perColumn }: { columns: readonly string[]; latest: number; perColumn: number }) => read(centerId, async (trx, scope) => ({
      latest: await store.listLatest(trx, scope, { centerId, limit: latest, offset: 0 }),
      perSection: await store.latestPerSection(trx, scope, { centerId, sections: [...columns], limit: perColumn }),
      tags: await store.topTags(trx, scope, { centerId, limit: 20 }),
    })),

    /** One page of a column's or a tag's stories, with the total for the pager. */
    list: (centerId: string, { section, tag, limit, offset }: { section?: string; tag?: string; limit: number; offset: number }) => read(centerId, async (trx, scope) => ({
      stories: await store.listLatest(trx, scope, { centerId, section, tag, limit, offset }),
      total: await store.countLatest(trx, scope, { centerId, section, tag }),
    })),

    story: (centerId: string, storyId: string) => read(centerId, (trx, scope) => store.findArticle(trx, scope, { centerId, storyId })),

    /** BM25 search (OR over the query's words); results come back in rank order with their text for snippets. */
    search: (centerId: string, { q, section, from, to, limit, offset }: { q: string; section?: string; from?: Date; to?: Date; limit: number; offset: number }) => read(centerId, async (trx, scope) => {
      const terms = queryTokens(q).slice(0, 16)
      if (terms.length === 0) return { terms, total: 0, results: [] }
      const stats = await searchStats(trx, scope, centerId)
      const { hits, total } = await store.searchArticles(trx, scope, { centerId, terms, stats, section, from, to, limit, offset })
      const rows = await store.findListed(trx, scope, { centerId, storyIds: hits.map((h) => h.storyId) })
      const byId = new Map(rows.map((r) => [r.story_id, r]))
      return { terms, total, results: hits.map((h) => byId.get(h.storyId)).filter((r): r is NonNullable<typeof r> => Boolean(r)) }
    }),

    feed: (centerId: string, { section, limit }: { section?: string; limit: number }) => read(centerId, (trx, scope) => store.listFeed(trx, scope, { centerId, section, limit })),

    sitemap: (centerId: string, limit: number) => read(centerId, (trx, scope) => store.listForSitemap(trx, scope, { centerId, limit })),
  }
}

export type SiteReader = ReturnType<typeof createSiteReader>
