import crypto from 'node:crypto'
import { queryTokens } from '../../kernel/text/segment.js'
import { maskPersonalData } from './tickets.mask.js'

/** Pure rules of intake and duplicates: lookup codes, terms, similarity, routing suggestions. */

// No 0/O, 1/I/L: a code read out over the phone is not misheard.
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ'

/** A 10-character lookup code (31^10 ≈ 8·10^14 codes; the phone's last 4 digits are asked too). */
export function newLookupCode(): string {
  let code = ''
  for (let i = 0; i < 10; i++) code += CODE_ALPHABET[crypto.randomInt(CODE_ALPHABET.length)]
  return code
}

/** A mainland mobile number (11 digits starting 13–19). */
export function isMobile(phone: string): boolean {
  return /^1[3-9]\d{9}$/.test(phone)
}

/** Digits only: "138 1234-5678" and "+86 13812345678" both become 13812345678. */
export function normalizePhone(phone: string): string {
  const digits = phone.replace(/\D/g, '')
  return digits.length === 13 && digits.startsWith('86') ? digits.slice(2) : digits
}

const MAX_TERMS = 64

/** The distinct search terms of a ticket, taken from its masked text (the public list searches them). */
export function ticketTerms({ title, body, names }: { title: string; body: string; names: readonly string[] }): string[] {
  return queryTokens(maskPersonalData(`${title}\n${body}`, { names })).slice(0, MAX_TERMS)
}

/** |a ∩ b| / |a ∪ b| of two term lists (0 when both are empty). */
export function jaccard(a: readonly string[], b: readonly string[]): number {
  const left = new Set(a)
  const right = new Set(b)
  let shared = 0
  for (const t of left) if (right.has(t)) shared++
  const union = left.size + right.size - shared
  return union === 0 ? 0 : shared / union
}

/** Text reduced for an exact comparison: no whitespace or punctuation, lower case. */
export function textFingerprint(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[\s\p{P}\p{S}]/gu, '')
}

/** Terms this similar (Jaccard) make two messages "near-identical" for the resubmission guard. */
export const NEAR_IDENTICAL = 0.85
/** Terms this similar make a duplicate suggestion for the dispatcher. */
export const SIMILAR = 0.5

export interface RuleCandidate {
  id: string
  place_keyword: string | null
  department_id: string
  department_name: string
  priority: number
}

/**
 * The department a dispatcher is offered for a ticket: among the category's active rules, one
 * whose place keyword occurs in the address (or the text) beats a general one; then priority.
 */
export function suggestRoute<R extends RuleCandidate>(rules: readonly R[], { address, text }: { address: string; text: string }): R | null {
  const matching = rules.filter((r) => !r.place_keyword || address.includes(r.place_keyword) || text.includes(r.place_keyword))
  matching.sort((a, b) => Number(Boolean(b.place_keyword)) - Number(Boolean(a.place_keyword)) || b.priority - a.priority)
  return matching[0] ?? null
}
