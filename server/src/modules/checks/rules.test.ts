import { describe, expect, it } from 'vitest'
import { categories } from './checks.types.js'
import { validateRuleSet } from './compile.js'
import { runChecks } from './engine.js'
import { fold } from './fold.js'
import { defaultRuleSet } from './rules/index.js'

describe('default rule set', () => {
  it('is valid, versioned and large enough to cover every category', () => {
    expect(validateRuleSet(defaultRuleSet)).toEqual([])
    expect(defaultRuleSet.version).toMatch(/^\d{4}\.\d{1,2}\.\d+$/)
    expect(defaultRuleSet.rules.length).toBeGreaterThanOrEqual(150)
    const used = new Set(defaultRuleSet.rules.map((r) => r.category))
    expect(categories.filter((c) => !used.has(c))).toEqual([])
  })

  it('gives every rule a Chinese message and a source', () => {
    for (const rule of defaultRuleSet.rules) {
      expect(rule.message, rule.id).toMatch(/[\u4e00-\u9fff]/)
      expect(rule.source.length, rule.id).toBeGreaterThan(4)
    }
  })

  it('writes pattern literals in folded form, since patterns read folded text', () => {
    for (const rule of defaultRuleSet.rules) {
      if (rule.kind !== 'pattern') continue
      // Escapes and class ranges aside, every literal character must be its own fold.
      const literals = rule.pattern.replace(/\\[a-zA-Z]|\\u[0-9a-f]{4}|\(\?<\w+>|\\k<\w+>/g, '')
      expect(fold(literals), rule.id).toBe(literals)
    }
  })

  it('does not flag its own suggestions', () => {
    const offenders: string[] = []
    for (const rule of defaultRuleSet.rules) {
      if (rule.kind !== 'term' || rule.suggestion === null) continue
      const hits = runChecks({ text: rule.suggestion, ruleSet: defaultRuleSet, context: { isGovernmentAccount: true } })
      if (hits.some((h) => h.severity !== 'hint')) offenders.push(`${rule.id}: ${rule.suggestion} → ${hits.map((h) => h.ruleId).join(',')}`)
    }
    expect(offenders).toEqual([])
  })
})
