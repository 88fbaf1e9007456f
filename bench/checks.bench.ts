/**
 * Content-checks benchmark: the full default rule set over ≥ 50 MB of Chinese news text, and the
 * term part against mint-filter (an Aho–Corasick word filter from npm) on the same dictionary.
 *
 *   npx tsx bench/checks.bench.ts            (or: npm run bench:checks)
 *   BENCH_MB=10 npx tsx bench/checks.bench.ts   for a quicker run
 *
 * MB are UTF-8 megabytes (10^6 bytes) of input; each figure is the median of the timed runs
 * after one warm-up run.
 */
import { Mint } from 'mint-filter'
import type { RuleSet } from '../server/src/modules/checks/checks.types.js'
import { runChecks } from '../server/src/modules/checks/engine.js'
import { mustFlag } from '../server/src/modules/checks/fixtures/must-flag.js'
import { mustNotFlag } from '../server/src/modules/checks/fixtures/must-not-flag.js'
import { defaultRuleSet } from '../server/src/modules/checks/rules/index.js'

const TARGET_MB = Number(process.env.BENCH_MB ?? 50)
const RUNS = Number(process.env.BENCH_RUNS ?? 3)
const DOCUMENT_CHARS = 5_000

const mb = (bytes: number) => (bytes / 1e6).toFixed(1)
const memory = () => { const m = process.memoryUsage(); return `rss ${mb(m.rss)} MB, heap ${mb(m.heapUsed)} MB` }

/** Deterministic pseudo-random numbers (mulberry32), so every run checks the same text. */
function randomFrom(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const PLACES = ['东湖区', '西山区', '青石街道', '南塘镇', '北岭乡', '滨江新区', '临湖县', '柳溪村']

/** Corpus paragraphs, varied (digits, place names, order), with a must-flag example every ~25 paragraphs. */
function buildText(targetBytes: number): { text: string; injected: number } {
  const random = randomFrom(20261122)
  const parts: string[] = []
  let bytes = 0
  let injected = 0
  while (bytes < targetBytes) {
    let paragraph: string
    if (random() < 0.04) {
      paragraph = mustFlag[Math.floor(random() * mustFlag.length)].text
      injected++
    } else {
      paragraph = mustNotFlag[Math.floor(random() * mustNotFlag.length)].text
        .replace(/\d/g, () => String(Math.floor(random() * 10)))
        .replace(/东湖|青石/g, () => PLACES[Math.floor(random() * PLACES.length)])
    }
    parts.push(paragraph, '\n')
    bytes += Buffer.byteLength(paragraph) + 1
  }
  return { text: parts.join(''), injected }
}

function timed<T>(label: string, run: () => T): { seconds: number; result: T } {
  run() // warm-up: compile the rule set, let V8 optimise the hot loops
  const seconds: number[] = []
  let result!: T
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint()
    result = run()
    seconds.push(Number(process.hrtime.bigint() - start) / 1e9)
  }
  seconds.sort((a, b) => a - b)
  const median = seconds[Math.floor(seconds.length / 2)]
  console.log(`  ${label.padEnd(52)} ${median.toFixed(3).padStart(7)} s`)
  return { seconds: median, result }
}

function documentsOf(text: string): string[] {
  const documents: string[] = []
  for (let i = 0; i < text.length; i += DOCUMENT_CHARS) documents.push(text.slice(i, i + DOCUMENT_CHARS))
  return documents
}

console.log(`memory at start: ${memory()}`)
const { text, injected } = buildText(TARGET_MB * 1e6)
const bytes = Buffer.byteLength(text)
const documents = documentsOf(text)
console.log(`text: ${mb(bytes)} MB UTF-8, ${text.length.toLocaleString()} UTF-16 units, ${documents.length.toLocaleString()} documents of ${DOCUMENT_CHARS} characters, ${injected.toLocaleString()} injected examples`)
console.log(`memory after building the text: ${memory()}`)

const termRules = defaultRuleSet.rules.filter((r) => r.kind === 'term')
const termSet: RuleSet = { version: defaultRuleSet.version, rules: termRules }
const dictionary = [...new Set(termRules.flatMap((r) => r.kind === 'term' ? r.terms : []))]
console.log(`rule set ${defaultRuleSet.version}: ${defaultRuleSet.rules.length} rules, of which ${termRules.length} term rules with ${dictionary.length} distinct terms`)
const mint = new Mint(dictionary)

console.log(`\ntimings (median of ${RUNS} after a warm-up):`)
const full = timed('Rongmei, full rule set, government account', () => runChecks({ text, ruleSet: defaultRuleSet, context: { isGovernmentAccount: true } }))
const fullDocs = timed('Rongmei, full rule set, per 5,000-char document', () => documents.reduce((n, d) => n + runChecks({ text: d, ruleSet: defaultRuleSet, context: { isGovernmentAccount: true } }).length, 0))
const terms = timed('Rongmei, term rules only (hits with explanations)', () => runChecks({ text, ruleSet: termSet, context: { isGovernmentAccount: true } }))
const termsDocs = timed('Rongmei, term rules only, per document', () => documents.reduce((n, d) => n + runChecks({ text: d, ruleSet: termSet, context: { isGovernmentAccount: true } }).length, 0))
console.log(`  memory after the Rongmei runs: ${memory()}`)
const mintWhole = timed('mint-filter, same terms (filter, replace: false)', () => mint.filter(text, { replace: false }).words.length)
const mintDocs = timed('mint-filter, same terms, per document', () => documents.reduce((n, d) => n + mint.filter(d, { replace: false }).words.length, 0))

const rate = (seconds: number) => bytes / 1e6 / seconds
const bySeverity = (hits: Array<{ severity: string }>) => ['block', 'review', 'hint'].map((s) => `${s} ${hits.filter((h) => h.severity === s).length.toLocaleString()}`).join(', ')
console.log('\nresults:')
console.log(`  full rule set:        ${rate(full.seconds).toFixed(1).padStart(7)} MB/s whole text, ${rate(fullDocs.seconds).toFixed(1).padStart(7)} MB/s per document; ${full.result.length.toLocaleString()} hits (${bySeverity(full.result)})`)
console.log(`  term rules:           ${rate(terms.seconds).toFixed(1).padStart(7)} MB/s whole text, ${rate(termsDocs.seconds).toFixed(1).padStart(7)} MB/s per document; ${terms.result.length.toLocaleString()} hits`)
console.log(`  mint-filter baseline: ${rate(mintWhole.seconds).toFixed(1).padStart(7)} MB/s whole text, ${rate(mintDocs.seconds).toFixed(1).padStart(7)} MB/s per document; ${mintWhole.result.toLocaleString()} words found (no rule, offsets, allow-lists or context)`)
console.log(`  ratio term rules / mint-filter: ${(mintWhole.seconds / terms.seconds).toFixed(2)}× whole text, ${(mintDocs.seconds / termsDocs.seconds).toFixed(2)}× per document`)
console.log(`  ratio full rule set / mint-filter: ${(mintWhole.seconds / full.seconds).toFixed(2)}× whole text, ${(mintDocs.seconds / fullDocs.seconds).toFixed(2)}× per document`)
console.log(`\nmemory at end (after mint-filter, which keeps two arrays of one-character strings per call): ${memory()}`)
