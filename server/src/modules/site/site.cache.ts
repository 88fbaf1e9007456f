import type { Database } from '../../db/database.js'
import { inScope, tenantScope } from '../../db/scope.js'
import { setCenterColumns } from './site.layout.js'
import { readState } from './site.store.js'

/**
 * The in-process page cache of the public site. Pages are keyed per center; each entry remembers
 * the center's site revision (site_state.revision, bumped in the publishing transaction) it was
 * drawn at and is served only while that revision is current.
 *
 * The revision is re-read at most once a second per center, so a publication made by another
 * process shows within a second; one made in this process calls `invalidate`, which drops the
 * center's pages and forces the next request to re-read the revision (visible at once).
 */

export interface CachedPage {
  html: string
  etag: string
  lastModified: Date | null
  revision: string
}

interface CenterState { revision: string; checkedAt: number }

const REVISION_TTL_MS = 1000
/** Bounded by bytes: a story page is ~10–60 KB; 64 MB holds a few thousand pages. */
const MAX_BYTES = 64 * 1024 * 1024

export class PageCache {
  private readonly pages = new Map<string, CachedPage & { bytes: number }>()
  private readonly states = new Map<string, CenterState>()
  private bytes = 0

  constructor(private readonly maxBytes = MAX_BYTES, private readonly revisionTtlMs = REVISION_TTL_MS) {}

  /** The center's current site revision (cached for a second); also refreshes its columns for the shell. */
  async revision(db: Database, centerId: string): Promise<string> {
    const known = this.states.get(centerId)
    const now = Date.now()
    if (known && now - known.checkedAt < this.revisionTtlMs) return known.revision
    const scope = tenantScope(centerId)
    const state = await inScope(db, scope, (trx) => readState(trx, scope, centerId))
    setCenterColumns(centerId, state.columns)
    if (known && known.revision !== state.revision) this.dropCenter(centerId)
    this.states.set(centerId, { revision: state.revision, checkedAt: now })
    return state.revision
  }

  /**
   * The center's revision when it was read less than the revision TTL ago, without touching the
   * database; undefined when unknown, stale or just invalidated (the caller then takes the normal path).
   */
  freshRevision(centerId: string, now = Date.now()): string | undefined {
    const known = this.states.get(centerId)
    return known && now - known.checkedAt < this.revisionTtlMs ? known.revision : undefined
  }

  get(centerId: string, key: string, revision: string): CachedPage | undefined {
    const hit = this.pages.get(`${centerId}\u0000${key}`)
    if (!hit || hit.revision !== revision) return undefined
    return hit
  }

  set(centerId: string, key: string, page: CachedPage): void {
    const k = `${centerId}\u0000${key}`
    const bytes = page.html.length * 2
    if (bytes > this.maxBytes / 16) return
    const old = this.pages.get(k)
    if (old) { this.bytes -= old.bytes; this.pages.delete(k) }
    this.pages.set(k, { ...page, bytes })
    this.bytes += bytes
    // Oldest insertions go first (a Map iterates in insertion order).
    for (const [oldest, entry] of this.pages) {
      if (this.bytes <= this.maxBytes) break
      this.pages.delete(oldest)
      this.bytes -= entry.bytes
    }
  }

  /** Called on publish, correction and withdrawal: the next request draws fresh pages. */
  invalidate(centerId: string): void {
    this.dropCenter(centerId)
    this.states.delete(centerId)
    setCenterColumns(centerId, null)
  }

  private dropCenter(centerId: string): void {
    const prefix = `${centerId}\u0000`
    for (const [k, entry] of this.pages) {
      if (k.startsWith(prefix)) { this.pages.delete(k); this.bytes -= entry.bytes }
    }
  }

  get size(): number {
    return this.pages.size
  }
}

/** The one cache of this process: the publisher (called by publishing jobs) and the pages share it. */
export const sitePageCache = new PageCache()
