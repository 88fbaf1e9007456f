import type { TenantContext } from '../../kernel/access.js'
import type { createChecksService } from '../checks/checks.service.js'
import type { OverrideRow } from './review.store.js'
import type { StoredHit } from './review.views.js'

export type ChecksRunner = Pick<ReturnType<typeof createChecksService>, 'check'>

export interface StoryCheck {
  ruleSetVersion: string
  /** Every hit of title and body, each with its override when a reviewer recorded one. */
  hits: StoredHit[]
  /** Blocking hits nobody overrode: they stop the submission. */
  blocked: StoredHit[]
}

/**
 * Runs the content checks over a story's title and plain-text body (offsets are per field).
 * An override counts for the exact version it was recorded on: the same rule at the same range of
 * the same field of a version with the same hash.
 */
export function checkStory({ checks, tenant, title, bodyText, overrides }: {
  checks: ChecksRunner; tenant: Pick<TenantContext, 'kind'>; title: string; bodyText: string; overrides: readonly OverrideRow[]
}): StoryCheck {
  const fields = [['title', title], ['body', bodyText]] as const
  let ruleSetVersion = ''
  const hits: StoredHit[] = []
  for (const [field, text] of fields) {
    const result = checks.check({ tenant, text })
    ruleSetVersion = result.ruleSetVersion
    for (const hit of result.hits) {
      const override = hit.severity === 'block'
        ? overrides.find((o) => o.field === field && o.rule_id === hit.ruleId && o.start_offset === hit.start && o.end_offset === hit.end)
        : undefined
      hits.push({ ...hit, field, quote: text.slice(hit.start, hit.end), overrideId: override?.id ?? null })
    }
  }
  return { ruleSetVersion, hits, blocked: hits.filter((h) => h.severity === 'block' && h.overrideId === null) }
}
