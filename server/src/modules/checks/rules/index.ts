import type { RuleSet } from '../checks.types.js'
import { commerceRules } from './commerce.js'
import { personalRules } from './personal.js'
import { territoryRules } from './territory.js'
import { titleRules } from './titles.js'
import { typoRules } from './typos.js'
import { wordingRules } from './wording.js'

/**
 * The platform's default rule set. Bump `version` whenever a rule is added, removed or
 * changed: stored check results and overrides name the version they were made against.
 */
export const defaultRuleSet: RuleSet = {
  version: '2026.11.2',
  rules: [...territoryRules, ...titleRules, ...wordingRules, ...commerceRules, ...personalRules, ...typoRules],
}
