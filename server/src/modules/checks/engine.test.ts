import { describe, expect, it } from 'vitest'
import { createAutomaton } from './automaton.js'
import type { Rule, RuleSet } from './checks.types.js'
import { compileRuleSet, RuleSetError, validateRuleSet } from './compile.js'
import { runChecks } from './engine.js'
import { defaultRuleSet } from './rules/index.js'

const base = { category: 'banned', severity: 'review', message: '测试', source: '测试', suggestion: null } as const
const setOf = (...rules: Rule[]): RuleSet => ({ version: 'test', rules })
const found = (text: string, ruleSet: RuleSet, isGovernmentAccount?: boolean) =>
  runChecks({ text, ruleSet, context: { isGovernmentAccount } }).map((h) => [h.ruleId, h.start, h.end, text.slice(h.start, h.end), h.severity, h.suggestion])

describe('runChecks offsets', () => {
  it('reports UTF-16 code-unit offsets, also after astral characters', () => {
    const text = '𠮷野家𩸽店的村长说'
    const hits = runChecks({ text, ruleSet: defaultRuleSet })
    expect(hits).toHaveLength(1)
    expect(hits[0]).toMatchObject({ ruleId: 'title.village-head', start: 8, end: 10, suggestion: '村主任' })
    expect(text.slice(hits[0].start, hits[0].end)).toBe('村长')
  })

  it('matches traditional and full-width input while pointing into the original text', () => {
    const text = '各單位要警鐘常鳴，ＴＭＤ'
    expect(found(text, defaultRuleSet)).toEqual([
      ['typo.jingzhong', 4, 8, '警鐘常鳴', 'review', '警钟长鸣'],
      ['vulgar.latin', 9, 12, 'ＴＭＤ', 'block', null],
    ])
  })

  it('returns no hits for empty text', () => {
    expect(runChecks({ text: '', ruleSet: defaultRuleSet })).toEqual([])
  })
})

describe('allow-lists and context', () => {
  const first: Rule = { ...base, id: 'test.first', kind: 'term', terms: ['第一'], allow: ['第一书记', '第一时间', '争第一'] }

  it('suppresses a hit inside an allowed phrase, wherever the phrase starts', () => {
    expect(found('第一书记第一时间赶到，勇争第一，销量第一', setOf(first)).map((h) => h[1])).toEqual([18])
    expect(found('农村长期发展，村长说', defaultRuleSet)).toEqual([['title.village-head', 7, 9, '村长', 'review', '村主任']])
  })

  it('drops a hit with an exception word within the window, and only within it', () => {
    const convict: Rule = { ...base, id: 'test.convict', kind: 'term', terms: ['罪犯'], exceptions: [{ words: ['判处'], window: 3 }] }
    expect(found('判处罪犯', setOf(convict))).toEqual([])
    expect(found('判处一二三罪犯', setOf(convict))).toEqual([])
    expect(found('判处一二三四罪犯', setOf(convict)).map((h) => h[1])).toEqual([6])
    expect(found('罪犯一二三判处', setOf(convict))).toEqual([])
  })

  it('flags a rule with `requires` only near one of its words', () => {
    expect(found('老板娘开了一家店', defaultRuleSet)).toEqual([])
    expect(found('他把局长叫老板', defaultRuleSet).map((h) => h[0])).toEqual(['title.boss'])
  })

  it('applies government-only rules and government severities only for government accounts', () => {
    expect(found('茶叶礼盒，点击购买', defaultRuleSet, false)).toEqual([])
    expect(found('茶叶礼盒，点击购买', defaultRuleSet, true).map((h) => h[4])).toEqual(['block'])
    expect(found('销量第一', defaultRuleSet, false).map((h) => h[4])).toEqual(['hint'])
    expect(found('销量第一', defaultRuleSet, true).map((h) => [h[0], h[4]])).toEqual([['advertising.superlative', 'block']])
  })

  it('matches Latin words only at word boundaries', () => {
    expect(found('NBA总决赛，SNB，nbc', defaultRuleSet)).toEqual([])
    expect(found('NB-IoT网络', defaultRuleSet)).toEqual([])
    expect(found('太nb了', defaultRuleSet).map((h) => h[3])).toEqual(['nb'])
  })
})

describe('patterns and overlaps', () => {
  it('narrows to the `hit` group and fills the suggestion from groups', () => {
    const rule: Rule = { ...base, id: 'test.pattern', kind: 'pattern', pattern: '(\\d+)号(?<hit>文件)', anchors: ['号文件'], reach: 10, suggestion: '$1号$<hit>（$&）' }
    expect(found('印发12号文件', setOf(rule))).toEqual([['test.pattern', 5, 7, '文件', 'review', '12号文件（12号文件）']])
  })

  it('verifies patterns around anchors anywhere in a long text', () => {
    const rule: Rule = { ...base, id: 'test.far', kind: 'pattern', pattern: '甲乙丙', anchors: ['乙'], reach: 2, suggestion: null }
    const filler = '平安'.repeat(50_000)
    const text = `甲乙丙${filler}甲乙丙${filler}甲乙丙`
    expect(found(text, setOf(rule)).map((h) => h[1])).toEqual([0, 100_003, 200_006])
  })

  it('keeps the wider of two nested hits unless the inner one is more severe', () => {
    const outer: Rule = { ...base, id: 'test.outer', kind: 'term', terms: ['国家卫计委'], severity: 'review' }
    const inner: Rule = { ...base, id: 'test.inner', kind: 'term', terms: ['卫计委'], severity: 'hint' }
    const severe: Rule = { ...base, id: 'test.severe', kind: 'term', terms: ['卫计'], severity: 'block' }
    expect(found('国家卫计委', setOf(outer, inner)).map((h) => h[0])).toEqual(['test.outer'])
    expect(found('国家卫计委', setOf(outer, inner, severe)).map((h) => h[0])).toEqual(['test.outer', 'test.severe'])
  })
})

describe('rule set validation', () => {
  it('names every problem of a broken rule set', () => {
    const problems = validateRuleSet(setOf(
      { ...base, id: 'test.a', kind: 'term', terms: ['村长'], allow: ['村主任'] },
      { ...base, id: 'test.a', kind: 'pattern', pattern: '(', anchors: ['x'], reach: 5 },
      { ...base, id: 'Bad Id', kind: 'validator', validator: 'nope' as 'idCard' },
      { ...base, id: 'test.b', kind: 'term', terms: ['長鳴'], suggestion: '警钟长鸣' },
      { ...base, id: 'test.c', kind: 'pattern', pattern: 'x', anchors: [], reach: 0 },
    ))
    const messages = problems.map((p) => `${p.ruleId}: ${p.message}`)
    expect(messages).toEqual(expect.arrayContaining([
      'test.a: allow phrase 村主任 contains none of the terms, so it can never apply',
      'test.a: id is used twice',
      expect.stringMatching(/^test\.a: pattern does not compile/),
      'Bad Id: id must look like category.name (lowercase ASCII)',
      'Bad Id: unknown validator nope',
      'test.b: the suggestion contains the term 长鸣, so applying it would be flagged again',
      'test.c: a pattern needs non-empty anchors',
      'test.c: reach must be 1–500',
    ]))
    expect(() => compileRuleSet(setOf({ ...base, id: 'test.d', kind: 'term', terms: [] }))).toThrow(RuleSetError)
  })
})

describe('automaton', () => {
  it('finds exactly the occurrences a naive search finds, overlaps included', () => {
    const words = ['他', '他们', '们是', '是他', '他们是他', '是', '人们', '们']
    // With and without dense rows for the states one character deep.
    for (const automaton of [createAutomaton(words), createAutomaton(words, { denseBudget: 0 })]) expectNaive(automaton, words)
  })
})

/** Compares an automaton's matches with a naive search over pseudo-random text. */
function expectNaive(automaton: ReturnType<typeof createAutomaton>, words: string[]) {
  let seed = 7
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648
  const alphabet = '他们是人的'
  for (let round = 0; round < 50; round++) {
    const text = Array.from({ length: 200 }, () => alphabet[Math.floor(random() * alphabet.length)]).join('')
    const expected: string[] = []
    for (let end = 1; end <= text.length; end++) {
      words.forEach((w, i) => { if (text.slice(end - w.length, end) === w) expected.push(`${end}:${i}`) })
    }
    const { count, ends, words: found } = automaton.scan(text)
    const actual = Array.from({ length: count }, (_, k) => `${ends[k]}:${found[k]}`)
    expect(actual.sort()).toEqual(expected.sort())
  }
}
