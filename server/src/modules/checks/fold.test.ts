import * as OpenCC from 'opencc-js'
import { describe, expect, it } from 'vitest'
import { runChecks } from './engine.js'
import { mustFlag } from './fixtures/must-flag.js'
import { mustNotFlag } from './fixtures/must-not-flag.js'
import { fold, foldTable } from './fold.js'
import { defaultRuleSet } from './rules/index.js'

const toTraditional = OpenCC.Converter({ from: 'cn', to: 'tw' })
const toSimplified = OpenCC.Converter({ from: 't', to: 'cn' })

describe('folding', () => {
  it('maps every code unit to one code unit and is idempotent', () => {
    for (let c = 0; c < 65536; c++) expect(foldTable[foldTable[c]]).toBe(foldTable[c])
    expect(fold('A１ｂＣ國發')).toBe('a1bc国发')
    const astral = '𠮷𩸽'
    expect(fold(astral)).toBe(astral)
    expect(fold('\ud800孤')).toBe('\ud800孤')
  })

  it('agrees with OpenCC’s phrase-aware conversion on running text but for rare one-to-many characters', () => {
    // Character folding cannot tell 批覆 (→ 批复) from 覆盖; OpenCC's phrase table can. The
    // difference is allowed only at such characters, and must stay rare.
    const differences: string[] = []
    let total = 0
    for (const { text } of mustNotFlag) {
      const traditional = toTraditional(text)
      expect(traditional.length).toBe(text.length)
      const folded = fold(traditional)
      const converted = toSimplified(traditional).replace(/[A-Z]/g, (c: string) => c.toLowerCase())
      expect(folded.length).toBe(converted.length)
      total += text.length
      for (let i = 0; i < folded.length; i++) if (folded[i] !== converted[i]) differences.push(`${traditional[i]}→${folded[i]}/${converted[i]}`)
    }
    expect(differences).toEqual(['覆→覆/复'])
    expect(total).toBeGreaterThan(3000)
  })
})

describe('traditional-character input', () => {
  it('keeps the must-not-flag corpus clean', () => {
    for (const { text, hints = [] } of mustNotFlag) {
      const traditional = toTraditional(text)
      const hits = runChecks({ text: traditional, ruleSet: defaultRuleSet, context: { isGovernmentAccount: true } })
      expect(hits.filter((h) => !(h.severity === 'hint' && hints.includes(h.ruleId))), traditional).toEqual([])
    }
  })

  it('flags the must-flag examples at the same offsets', () => {
    for (const example of mustFlag) {
      const traditional = toTraditional(example.text)
      expect(traditional.length).toBe(example.text.length)
      const hits = runChecks({ text: traditional, ruleSet: defaultRuleSet, context: { isGovernmentAccount: example.isGovernmentAccount } })
      expect(hits.map((h) => [h.ruleId, h.start, h.end]), traditional).toEqual([[example.ruleId, example.start, example.end]])
    }
  })
})
