import type { TenantContext } from '../../kernel/access.js'
import { categoryLabels, type Hit, type RuleSet } from './checks.types.js'
import { runChecks } from './engine.js'
import { defaultRuleSet } from './rules/index.js'

/** The content checks of 三审三校 as a service: check text, list the rules in force. */
export function createChecksService({ ruleSet = defaultRuleSet }: { ruleSet?: RuleSet } = {}) {
  /**
   * Checks plain text. Units (departments, streets) run government new-media accounts, so
   * unless the caller says otherwise their text is checked as a government account's.
   */
  function check({ tenant, text, isGovernmentAccount }: {
    tenant: Pick<TenantContext, 'kind'>; text: string; isGovernmentAccount?: boolean
  }): { ruleSetVersion: string; isGovernmentAccount: boolean; hits: Hit[] } {
    const isGovernment = isGovernmentAccount ?? tenant.kind === 'unit'
    return { ruleSetVersion: ruleSet.version, isGovernmentAccount: isGovernment, hits: runChecks({ text, ruleSet, context: { isGovernmentAccount: isGovernment } }) }
  }

  /** The rules as the console shows them. */
  function listRules() {
    return {
      ruleSetVersion: ruleSet.version,
      rules: ruleSet.rules.map((rule) => ({
        id: rule.id, category: rule.category, categoryLabel: categoryLabels[rule.category], kind: rule.kind,
        severity: rule.severity, governmentSeverity: rule.governmentSeverity ?? null, isGovernmentOnly: rule.isGovernmentOnly === true,
        message: rule.message, suggestion: rule.suggestion, source: rule.source,
        terms: rule.kind === 'term' ? rule.terms : [], allow: rule.allow ?? [],
      })),
    }
  }

  return { check, listRules }
}
