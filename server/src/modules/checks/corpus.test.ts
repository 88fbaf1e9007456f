import { describe, expect, it } from 'vitest'
import { runChecks } from './engine.js'
import { mustFlag } from './fixtures/must-flag.js'
import { mustNotFlag } from './fixtures/must-not-flag.js'
import { defaultRuleSet } from './rules/index.js'

describe('must-not-flag corpus', () => {
  it('has at least 40 paragraphs of ordinary government news', () => {
    expect(mustNotFlag.length).toBeGreaterThanOrEqual(40)
  })

  for (const isGovernmentAccount of [false, true]) {
    it(`passes every paragraph without block or review hits (government account: ${isGovernmentAccount})`, () => {
      const unexpected: string[] = []
      for (const paragraph of mustNotFlag) {
        for (const hit of runChecks({ text: paragraph.text, ruleSet: defaultRuleSet, context: { isGovernmentAccount } })) {
          const isListedHint = hit.severity === 'hint' && paragraph.hints?.includes(hit.ruleId)
          if (!isListedHint) unexpected.push(`${paragraph.title}: ${paragraph.text.slice(hit.start, hit.end)} (${hit.ruleId}, ${hit.severity})`)
        }
      }
      expect(unexpected).toEqual([])
    })
  }

  it('raises each listed hint, so the list stays honest', () => {
    for (const paragraph of mustNotFlag.filter((p) => p.hints)) {
      const ruleIds = runChecks({ text: paragraph.text, ruleSet: defaultRuleSet }).map((h) => h.ruleId)
      expect(ruleIds, paragraph.title).toEqual(paragraph.hints)
    }
  })
})

describe('must-flag examples', () => {
  it('cover every category', () => {
    const covered = new Set(mustFlag.map((e) => defaultRuleSet.rules.find((r) => r.id === e.ruleId)?.category))
    expect([...new Set(defaultRuleSet.rules.map((r) => r.category))].filter((c) => !covered.has(c))).toEqual([])
  })

  for (const example of mustFlag) {
    it(`${example.ruleId}: ${example.text}`, () => {
      expect(example.text.slice(example.start, example.end)).toBe(example.match)
      const hits = runChecks({ text: example.text, ruleSet: defaultRuleSet, context: { isGovernmentAccount: example.isGovernmentAccount } })
      expect(hits.map((h) => ({ ruleId: h.ruleId, start: h.start, end: h.end, suggestion: h.suggestion, severity: h.severity }))).toEqual([
        { ruleId: example.ruleId, start: example.start, end: example.end, suggestion: example.suggestion, severity: example.severity },
      ])
      if (example.suggestion !== null) {
        // One click applies the suggestion; the same rule must then be satisfied there.
        const fixed = example.text.slice(0, example.start) + example.suggestion + example.text.slice(example.end)
        const again = runChecks({ text: fixed, ruleSet: defaultRuleSet, context: { isGovernmentAccount: example.isGovernmentAccount } })
        expect(again.filter((h) => h.ruleId === example.ruleId)).toEqual([])
      }
    })
  }
})
