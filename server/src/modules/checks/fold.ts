import { to as openccTo } from 'opencc-js/preset/t2cn'

/**
 * Character folding for matching: traditional → simplified (OpenCC's character table), CJK
 * compatibility ideographs → unified ones, full-width letters and digits → ASCII, A–Z → a–z.
 *
 * Every mapping is one UTF-16 code unit to one code unit, so a folded text has exactly the
 * offsets of the original and hits found in it point into the original text. OpenCC mappings
 * that change length (mostly to or from astral characters) and its phrase-level conversions
 * are left out: those characters are matched as written.
 */
export const foldTable: Uint16Array = buildFoldTable()

function buildFoldTable(): Uint16Array {
  const table = new Uint16Array(65536)
  for (let c = 0; c < 65536; c++) table[c] = c
  for (let c = 0x41; c <= 0x5a; c++) table[c] = c + 32
  for (let c = 0xff10; c <= 0xff19; c++) table[c] = c - 0xff10 + 0x30
  for (let c = 0xff21; c <= 0xff3a; c++) table[c] = c - 0xff21 + 0x61
  for (let c = 0xff41; c <= 0xff5a; c++) table[c] = c - 0xff41 + 0x61
  for (let c = 0xf900; c <= 0xfaff; c++) {
    const unified = String.fromCharCode(c).normalize('NFC')
    if (unified.length === 1) table[c] = unified.charCodeAt(0)
  }
  for (const group of openccTo.cn) {
    for (const dict of group) {
      const entries = typeof dict === 'string' ? dict.split('|').map((e) => e.split(' ')) : dict
      for (const [from, into] of entries) {
        // Only single-unit keys: phrase entries would need segmentation and can change length.
        if (from.length === 1 && into && into.length === 1) table[from.charCodeAt(0)] = into.charCodeAt(0)
      }
    }
  }
  // Resolve chains (A→B where B→C) so that folding twice changes nothing.
  for (let c = 0; c < 65536; c++) {
    let f = table[c]
    for (let guard = 0; table[f] !== f && guard < 4; guard++) f = table[f]
    table[c] = f
  }
  return table
}

/** The folded form of a string (same length, same offsets). */
export function fold(text: string): string {
  let first = 0
  while (first < text.length && foldTable[text.charCodeAt(first)] === text.charCodeAt(first)) first++
  if (first === text.length) return text
  const units = new Uint16Array(text.length)
  for (let i = 0; i < text.length; i++) units[i] = foldTable[text.charCodeAt(i)]
  // Node's UCS-2 decoding copies code units as they are (lone surrogates included), unlike
  // TextDecoder, which would replace them and break the alignment.
  return Buffer.from(units.buffer, units.byteOffset, units.byteLength).toString('ucs2')
}
