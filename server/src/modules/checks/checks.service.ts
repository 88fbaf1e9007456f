import crypto from 'node:crypto'
import type { Database } from '../../db/database.js'
import { inScope, type Tx } from '../../db/scope.js'
import type { Actor, TenantContext } from '../../kernel/access.js'
import { appendAudit, withContext, type AuditContext } from '../../kernel/audit.js'
import { AppError, isUniqueViolation } from '../../kernel/errors.js'
import { categoryLabels, type Hit, type RuleSet } from './checks.types.js'
import * as store from './checks.store.js'
import { runChecks } from './engine.js'
import { checkImages, type ImageHit } from './images.js'
import { defaultRuleSet } from './rules/index.js'
import {
  changesProblems, composedProblems, composeRuleSet, diffChanges, emptyChanges, normaliseChanges, ruleSetLimits, type RuleSetChanges, type RuleSetChangesInput,
} from './rulesets.js'

export interface ChecksActing {
  actor: Actor
  tenant: TenantContext
  audit: AuditContext
}

/** The rule set in force for a tenant, and where it comes from. */
export interface ActiveRuleSet {
  /** `<built-in version>` or `<built-in version>+<owner slug>.<n>`: what check results record. */
  label: string
  ruleSet: RuleSet
  /** The tenant whose version applies (the acting tenant or an ancestor); null: built-in only. */
  owner: { tenantId: string; slug: string; name: string; version: number } | null
}

// Composed rule sets by (owner tenant, version, built-in version). The engine caches each set's
// compiled automaton by object identity, so reusing the object here means an automaton is built
// once per version and rebuilt only when a new version is saved (or the built-in set changes).
const MAX_CACHED = 64
const composedCache = new Map<string, RuleSet>()

function cached(key: string, build: () => RuleSet): RuleSet {
  let hit = composedCache.get(key)
  if (hit) {
    // Re-insert: a Map iterates in insertion order, so the first key is the least recently used.
    composedCache.delete(key)
  } else {
    hit = build()
    if (composedCache.size >= MAX_CACHED) composedCache.delete(composedCache.keys().next().value!)
  }
  composedCache.set(key, hit)
  return hit
}

function versionView(row: {
  tenant_id: string; version: number; base_version: string; note: string; created_by: string; created_by_name: string; created_at: Date
}) {
  return {
    tenantId: row.tenant_id, version: row.version, baseVersion: row.base_version, note: row.note,
    createdBy: row.created_by, createdByName: row.created_by_name, createdAt: new Date(row.created_at).toISOString(),
  }
}

function manageForbidden(): AppError {
  return new AppError('FORBIDDEN', 'permission story.rules.manage is needed here', { extra: { permission: 'story.rules.manage' } })
}

/**
 * The content checks of 三审三校 as a service: check text (and a body's images) against the
 * tenant's rule set, and keep that rule set as immutable versions. A tenant without versions of
 * its own uses its nearest ancestor's (a unit its center's, a center the platform's); saving a
 * first version of its own replaces the inherited one entirely (the console starts the editor
 * from the inherited changes, so nothing is lost silently).
 */
export function createChecksService({ db, builtIn = defaultRuleSet }: { db: Database; builtIn?: RuleSet }) {
  /** The active rule set of `tenant`, read in the caller's transaction. */
  async function activeRuleSet(trx: Tx, tenant: Pick<TenantContext, 'id' | 'path' | 'scope'>): Promise<ActiveRuleSet> {
    const latest = await store.latestVersions(trx, tenant.scope, tenant.path.length ? tenant.path : [tenant.id])
    // Nearest first: the acting tenant, then its parent, up to the platform.
    const owner = [...tenant.path].reverse().map((id) => latest.find((l) => l.tenant_id === id)).find(Boolean)
    if (!owner) return { label: builtIn.version, ruleSet: builtIn, owner: null }
    const version = Number(owner.version)
    const label = `${builtIn.version}+${owner.slug}.${version}`
    const key = `${owner.tenant_id}:${version}:${builtIn.version}`
    let ruleSet = composedCache.get(key)
    if (!ruleSet) {
      const row = await store.findVersion(trx, tenant.scope, owner.tenant_id, version)
      const changes = { ...emptyChanges, ...(row?.changes ?? {}) } as RuleSetChanges
      ruleSet = cached(key, () => composeRuleSet(builtIn, dropUnknown(changes), label))
    } else {
      cached(key, () => ruleSet!)
    }
    return { label, ruleSet, owner: { tenantId: owner.tenant_id, slug: owner.slug, name: owner.name, version } }
  }

  /** Built-in rules removed since a version was saved are ignored rather than breaking the tenant's checks. */
  function dropUnknown(changes: RuleSetChanges): RuleSetChanges {
    const known = new Set(builtIn.rules.map((r) => r.id))
    const customIds = new Set(changes.terms.map((r) => r.id))
    return {
      ...changes,
      disabled: changes.disabled.filter((id) => known.has(id)),
      severities: changes.severities.filter((s) => known.has(s.ruleId)),
      exceptions: changes.exceptions.filter((e) => known.has(e.ruleId) || customIds.has(e.ruleId)),
    }
  }

  /**
   * Checks plain text with the tenant's rule set; with `html` (a story body) also its images.
   * Units (departments, streets) run government new-media accounts, so unless the caller says
   * otherwise their text is checked as a government account's. Pass `trx` when already inside
   * a transaction (the embedded database has one connection).
   */
  async function check({ trx, tenant, text, html, isGovernmentAccount }: {
    trx?: Tx; tenant: Pick<TenantContext, 'id' | 'kind' | 'path' | 'scope'>; text: string; html?: string; isGovernmentAccount?: boolean
  }): Promise<{ ruleSetVersion: string; isGovernmentAccount: boolean; hits: Hit[]; imageHits: ImageHit[] }> {
    const active = trx ? await activeRuleSet(trx, tenant) : await inScope(db, tenant.scope, (t) => activeRuleSet(t, tenant))
    const isGovernment = isGovernmentAccount ?? tenant.kind === 'unit'
    return {
      ruleSetVersion: active.label, isGovernmentAccount: isGovernment,
      hits: runChecks({ text, ruleSet: active.ruleSet, context: { isGovernmentAccount: isGovernment } }),
      imageHits: html === undefined ? [] : checkImages(html, { ruleSet: active.ruleSet }),
    }
  }

  /** Every built-in rule (disabled ones too, marked) and the tenant's own, as the console lists them. */
  async function listRules(acting: Pick<ChecksActing, 'tenant'>) {
    return inScope(db, acting.tenant.scope, async (trx) => {
      const active = await activeRuleSet(trx, acting.tenant)
      const inForce = new Map(active.ruleSet.rules.map((r) => [r.id, r]))
      const builtInIds = new Set(builtIn.rules.map((r) => r.id))
      const all = [...builtIn.rules, ...active.ruleSet.rules.filter((r) => !builtInIds.has(r.id))]
      return {
        ruleSetVersion: active.label,
        rules: all.map((original) => {
          const rule = inForce.get(original.id) ?? original
          return {
            id: rule.id, category: rule.category, categoryLabel: categoryLabels[rule.category], kind: rule.kind,
            severity: rule.severity, governmentSeverity: rule.governmentSeverity ?? null, isGovernmentOnly: rule.isGovernmentOnly === true,
            message: rule.message, suggestion: rule.suggestion, source: rule.source,
            terms: rule.kind === 'term' ? rule.terms : [], allow: rule.allow ?? [],
            isCustom: !builtInIds.has(rule.id), isDisabled: !inForce.has(rule.id), defaultSeverity: builtInIds.has(rule.id) ? original.severity : null,
          }
        }),
      }
    })
  }

  /** The rule set in force with where it comes from, and the acting tenant's own version history. */
  async function getRuleSet(acting: Pick<ChecksActing, 'tenant'>) {
    return inScope(db, acting.tenant.scope, async (trx) => {
      const active = await activeRuleSet(trx, acting.tenant)
      const row = active.owner ? await store.findVersion(trx, acting.tenant.scope, active.owner.tenantId, active.owner.version) : undefined
      const versions = await store.listVersions(trx, acting.tenant.scope, { limit: 200 })
      return {
        ruleSetVersion: active.label, builtInVersion: builtIn.version,
        owner: active.owner ? { tenantId: active.owner.tenantId, name: active.owner.name, isInherited: active.owner.tenantId !== acting.tenant.id } : null,
        active: row ? { ...versionView(row), changes: { ...emptyChanges, ...row.changes } as RuleSetChanges } : null,
        versions: versions.map(versionView),
        limits: ruleSetLimits,
      }
    })
  }

  /** One of the acting tenant's versions with its changes; NOT_FOUND for a number it never saved. */
  async function getVersion(acting: Pick<ChecksActing, 'tenant'>, version: number) {
    return inScope(db, acting.tenant.scope, async (trx) => {
      const row = await store.findVersion(trx, acting.tenant.scope, acting.tenant.id, version)
      if (!row) throw new AppError('NOT_FOUND', `本机构没有第 ${version} 版审校规则`)
      return { ...versionView(row), changes: { ...emptyChanges, ...row.changes } as RuleSetChanges }
    })
  }

  /** What changed from one of the acting tenant's versions to another (0 = no changes: the built-in set). */
  async function diff(acting: Pick<ChecksActing, 'tenant'>, from: number, to: number) {
    const changesOf = async (n: number) => (n === 0 ? emptyChanges : (await getVersion(acting, n)).changes)
    return { from, to, diff: diffChanges(await changesOf(from), await changesOf(to)) }
  }

  /**
   * Saves the acting tenant's changes as its next version, which is in force at once. Refuses
   * with 409 CONFLICT when `expectedVersion` is not the tenant's newest version (someone saved
   * meanwhile), and with 400 naming each bad field when the changes do not make a valid rule set.
   */
  async function saveVersion(acting: ChecksActing, input: { changes: RuleSetChangesInput; note?: string; expectedVersion: number }) {
    if (!acting.tenant.permissions.has('story.rules.manage')) throw manageForbidden()
    const changes = normaliseChanges(input.changes, () => `custom.${crypto.randomBytes(4).toString('hex')}`)
    const problems = changesProblems(changes, builtIn)
    if (problems.length === 0) problems.push(...composedProblems(builtIn, changes))
    if (problems.length > 0) {
      throw new AppError('VALIDATION_FAILED', problems.slice(0, 10).map((p) => `${p.field}: ${p.message}`).join('; '), { errors: problems })
    }
    const scope = acting.tenant.scope
    try {
      return await inScope(db, scope, async (trx) => {
        const current = await store.currentVersionNumber(trx, scope)
        if (current !== input.expectedVersion) {
          throw new AppError('CONFLICT', `审校规则已被他人更新到第 ${current} 版，请刷新后再改`, { extra: { currentVersion: current } })
        }
        const row = await store.insertVersion(trx, scope, {
          version: current + 1, baseVersion: builtIn.version, changes, note: (input.note ?? '').trim(),
          createdBy: acting.actor.userId, createdByName: acting.actor.displayName, at: new Date(),
        })
        await appendAudit(trx, withContext(acting.audit, {
          action: 'checks.rule_set.save', targetType: 'check_rule_set', targetId: `${scope.tenantId}:${row.version}`,
          details: {
            version: row.version, baseVersion: builtIn.version, note: row.note,
            counts: { disabled: changes.disabled.length, severities: changes.severities.length, terms: changes.terms.length, allow: changes.allow.length, exceptions: changes.exceptions.length },
            diff: diffChanges(current === 0 ? emptyChanges : { ...emptyChanges, ...(await store.findVersion(trx, scope, scope.tenantId, current))?.changes } as RuleSetChanges, changes),
          },
        }))
        return { ...versionView(row), changes }
      })
    } catch (error) {
      // Postgres: two saves that both read the same newest version; the unique key lets one win.
      if (isUniqueViolation(error)) throw new AppError('CONFLICT', '审校规则刚被他人更新，请刷新后再改', { extra: { currentVersion: input.expectedVersion + 1 } })
      throw error
    }
  }

  return { check, activeRuleSet, listRules, getRuleSet, getVersion, diff, saveVersion }
}

export type ChecksService = ReturnType<typeof createChecksService>
