import type { Tx } from '../../db/scope.js'
import type { TenantContext } from '../../kernel/access.js'
import type { ChecksService } from '../checks/checks.service.js'
import type { OverrideRow } from './review.store.js'
import type { StoredHit } from './review.views.js'

export type ChecksRunner = Pick<ChecksService, 'check'>

export interface StoryCheck {
  /** The tenant's rule-set version the checks ran with (`2026.11.2+xian.3`); the record names it. */
  ruleSetVersion: string
  /** Every hit of title, body and the body's images, each with its override when a reviewer recorded one. */
  hits: StoredHit[]
  /** Blocking hits nobody overrode: they stop the submission. */
  blocked: StoredHit[]
}

/**
 * Runs the content checks over a story's title, plain-text body (offsets are per field) and the
 * body's images (caption and credit; offsets count images). An override counts for the exact
 * version it was recorded on: the same rule at the same range of the same field of a version
 * with the same hash.
 */
export async function checkStory({ trx, checks, tenant, title, bodyText, bodyHtml, overrides }: {
  trx: Tx; checks: ChecksRunner; tenant: Pick<TenantContext, 'id' | 'kind' | 'path' | 'scope'>; title: string; bodyText: string; bodyHtml: string
  overrides: readonly OverrideRow[]
}): Promise<StoryCheck> {
  const titled = await checks.check({ trx, tenant, text: title })
  const body = await checks.check({ trx, tenant, text: bodyText, html: bodyHtml })
  const hits: StoredHit[] = []
  const add = (field: 'title' | 'body', text: string, found: typeof titled.hits) => {
    for (const hit of found) {
      const override = hit.severity === 'block'
        ? overrides.find((o) => o.field === field && o.rule_id === hit.ruleId && o.start_offset === hit.start && o.end_offset === hit.end)
        : undefined
      hits.push({ ...hit, field, quote: text.slice(hit.start, hit.end), overrideId: override?.id ?? null })
    }
  }
  add('title', title, titled.hits)
  add('body', bodyText, body.hits)
  // Image hits are "review" unless a tenant raised them; overrides are for text hits only.
  for (const hit of body.imageHits) hits.push({ ...hit, quote: hit.image.alt || hit.image.src.split('/').pop() || '', overrideId: null })
  return { ruleSetVersion: body.ruleSetVersion, hits, blocked: hits.filter((h) => h.severity === 'block' && h.overrideId === null) }
}
