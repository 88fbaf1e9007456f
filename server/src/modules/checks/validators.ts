import type { ValidatorName } from './checks.types.js'
import { protectedNames } from './names.js'

/** A finding of a validator, with offsets relative to the text it was given. */
export interface Candidate {
  start: number
  end: number
  suggestion: string | null
}

/**
 * A validator reads the folded text (lowercase ASCII, half-width digits, simplified characters)
 * and, where the original wording matters (a full-width colon in a URL), the original text;
 * both have the same offsets. `memo` is shared by the validators run over the same text in one
 * check, for work they have in common.
 */
export type Validator = (folded: string, original: string, memo: Map<string, unknown>) => Candidate[]

// Weights and check characters of GB 11643-1999 (ISO 7064 MOD 11-2).
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const ID_CHECK = '10x98765432'
// First two digits: the province-level divisions in use (incl. 71 Taiwan, 81/82 Hong Kong/Macao).
const ID_PROVINCES = new Set([11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91])

/** True for an 18-character citizen ID number with a real birth date and a correct check digit. */
export function isValidIdNumber(id: string): boolean {
  if (!/^\d{17}[\dxX]$/.test(id)) return false
  if (!ID_PROVINCES.has(Number(id.slice(0, 2)))) return false
  const year = Number(id.slice(6, 10))
  const month = Number(id.slice(10, 12))
  const day = Number(id.slice(12, 14))
  const birth = new Date(Date.UTC(year, month - 1, day))
  if (year < 1900 || birth.getUTCMonth() !== month - 1 || birth.getUTCDate() !== day || birth.getTime() > Date.now()) return false
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(id[i]) * ID_WEIGHTS[i]
  return ID_CHECK[sum % 11] === id[17].toLowerCase()
}

/** Luhn (mod 10) check over a string of digits. */
export function isLuhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false
  let sum = 0
  for (let i = digits.length - 1, isDoubled = false; i >= 0; i--, isDoubled = !isDoubled) {
    let d = digits.charCodeAt(i) - 48
    if (isDoubled) { d *= 2; if (d > 9) d -= 9 }
    sum += d
  }
  return sum % 10 === 0
}

function idCard(folded: string, original: string): Candidate[] {
  const found: Candidate[] = []
  for (const m of folded.matchAll(/(?<![0-9a-z])[1-9]\d{16}[\dx](?![0-9a-z])/g)) {
    if (!isValidIdNumber(m[0])) continue
    const id = original.slice(m.index, m.index + 18)
    found.push({ start: m.index, end: m.index + 18, suggestion: `${id.slice(0, 6)}********${id.slice(14)}` })
  }
  return found
}

function mobile(folded: string): Candidate[] {
  const found: Candidate[] = []
  // Not a piece of a longer digit run (an ID or an account number), separators allowed.
  const pattern = /(?<![\d-])(?:(?:\+|00)86[- ]?)?(1[3-9]\d)([- ]?)(\d{4})\2(\d{4})(?![\d-]|\.\d)/g
  for (const m of folded.matchAll(pattern)) {
    found.push({ start: m.index, end: m.index + m[0].length, suggestion: `${m[1]}****${m[4]}` })
  }
  return found
}

function bankCard(folded: string): Candidate[] {
  const found: Candidate[] = []
  for (const m of folded.matchAll(/(?<![\d-])[3-6]\d{3}(?:[ -]?\d{4}){2,3}(?:[ -]?\d{1,3})?(?![\d-])/g)) {
    const digits = m[0].replace(/[ -]/g, '')
    if (digits.length < 16 || digits.length > 19 || !isLuhnValid(digits)) continue
    // An 18-digit string that is a valid ID number is reported as one, not twice.
    if (digits.length === 18 && isValidIdNumber(digits)) continue
    found.push({ start: m.index, end: m.index + m[0].length, suggestion: `${digits.slice(0, 4)} **** **** ${digits.slice(-4)}` })
  }
  return found
}

// Something meant as a web address: a scheme-like word with a colon and slashes, tolerating the
// usual slips (full-width colon, missing colon, missing or extra slashes, misspelt scheme). The
// leading literal h lets the regex engine skip ahead fast; the lookbehind then checks that it
// starts a word.
const URL_LIKE = /h(?<![a-z0-9]h)(h?t{1,3}p{1,2}s?|tps?|ppts?)\s?([:：;]?)(\/{1,3})([^\s<>"'“”‘’，。；！？、（）()【】《》\u3000-\u9fff\uff00-\uffef]*)/g
const TRAILING = /[.,;:!?'")\]}]+$/

interface LinkToken { start: number; end: number; scheme: string; separator: string; rest: string; isWellFormed: boolean }

function linkTokens(folded: string, original: string, memo: Map<string, unknown>): LinkToken[] {
  // Both link rules read the same tokens.
  const known = memo.get('links') as LinkToken[] | undefined
  if (known) return known
  const tokens: LinkToken[] = []
  for (const m of folded.matchAll(URL_LIKE)) {
    const rest = m[4].replace(TRAILING, '')
    const end = m.index + m[0].length - (m[4].length - rest.length)
    const scheme = `h${m[1]}`
    const separator = original.slice(m.index + scheme.length, end - rest.length)
    // Without a colon it is an address only if a host follows (http//www.gov.cn), not HTTP/2.
    if (!/[:：;]/.test(separator) && !rest.includes('.')) continue
    const isStandard = (scheme === 'http' || scheme === 'https') && separator === '://'
    tokens.push({ start: m.index, end, scheme, separator, rest, isWellFormed: isStandard && isWellFormedHost(rest) })
  }
  memo.set('links', tokens)
  return tokens
}

function isWellFormedHost(rest: string): boolean {
  let url: URL
  try {
    url = new URL(`https://${rest}`)
  } catch {
    return false
  }
  const authority = rest.split(/[/?#]/)[0]
  if (!authority || /[^a-z0-9.:@\-[\]_%]/.test(authority)) return false
  const host = url.hostname
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return host.split('.').every((n) => Number(n) <= 255)
  const labels = host.split('.')
  if (labels.length < 2) return false
  const tld = labels[labels.length - 1]
  if (!/^([a-z]{2,63}|xn--[a-z0-9-]+)$/.test(tld)) return false
  return labels.every((l) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(l))
}

function insecureLink(folded: string, original: string, memo: Map<string, unknown>): Candidate[] {
  return linkTokens(folded, original, memo)
    .filter((t) => t.isWellFormed && t.scheme === 'http')
    .map((t) => ({ start: t.start, end: t.end, suggestion: `https://${original.slice(t.end - t.rest.length, t.end)}` }))
}

function malformedLink(folded: string, original: string, memo: Map<string, unknown>): Candidate[] {
  return linkTokens(folded, original, memo)
    .filter((t) => !t.isWellFormed)
    .map((t) => {
      const isHostFine = isWellFormedHost(t.rest)
      const scheme = t.scheme.endsWith('s') ? 'https' : 'http'
      return { start: t.start, end: t.end, suggestion: isHostFine ? `${scheme}://${original.slice(t.end - t.rest.length, t.end)}` : null }
    })
}

export const validators: Record<ValidatorName, Validator> = {
  idCard,
  mobile,
  bankCard,
  insecureLink,
  malformedLink,
  protectedName: (folded) => protectedNames(folded),
  // Images are not in plain text: this rule runs on the body HTML (images.ts); here it finds nothing.
  imageCaption: () => [],
}
