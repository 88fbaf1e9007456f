import { Parser } from 'htmlparser2'

/**
 * SVG policy: an SVG is accepted only when it is plain drawing. Scripts, event handlers,
 * foreignObject, links to anything outside the file, DTDs and entities (billion laughs),
 * and CSS that imports or fetches are refused with the reason. Even an accepted SVG is never
 * served as SVG to the public: its public renditions are rasterised by sharp.
 * @returns the reason the SVG is refused, or null when it is acceptable.
 */
export function svgProblem(text: string): string | null {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) return 'SVG declares a DTD or entities'
  let problem: string | null = null
  let inStyle = false
  let root: string | null = null
  const parser = new Parser({
    onopentag(name, attributes) {
      if (problem) return
      const tag = name.toLowerCase().replace(/^svg:/, '')
      root ??= tag
      if (tag === 'script') problem = 'SVG contains a <script> element'
      else if (tag === 'foreignobject') problem = 'SVG contains a <foreignObject> element'
      else if (tag === 'iframe' || tag === 'embed' || tag === 'object') problem = `SVG contains an <${tag}> element`
      if (tag === 'style') inStyle = true
      for (const [rawName, value] of Object.entries(attributes)) {
        const attr = rawName.toLowerCase()
        if (attr.startsWith('on')) problem ??= `SVG has an event handler attribute (${attr})`
        if ((attr === 'href' || attr.endsWith(':href') || attr === 'src') && !value.trim().startsWith('#')) {
          problem ??= `SVG refers to something outside itself (${attr}="${value.slice(0, 40)}")`
        }
        if (/javascript:|url\(\s*['"]?(?!#)|@import/i.test(value)) problem ??= `SVG attribute ${attr} loads or runs something`
      }
    },
    ontext(text) {
      if (inStyle && /@import|url\(\s*['"]?(?!#)|expression\(|javascript:/i.test(text)) problem ??= 'SVG style sheet imports or fetches something'
    },
    onclosetag(name) {
      if (name.toLowerCase().replace(/^svg:/, '') === 'style') inStyle = false
    },
    onprocessinginstruction(name) {
      if (name.toLowerCase() === '?xml-stylesheet') problem ??= 'SVG links a style sheet'
    },
  }, { xmlMode: true, decodeEntities: true })
  parser.write(text)
  parser.end()
  if (!problem && root !== 'svg') return 'the file is not an SVG drawing (its root element is not <svg>)'
  return problem
}

/** True when the head of a file looks like SVG text (XML prolog, comments, then <svg). */
export function looksLikeSvg(head: Buffer): boolean {
  const text = head.toString('utf8').replace(/^\uFEFF/, '').trimStart()
  // Loose on purpose (a DTD's internal subset holds '>'): svgProblem then insists the root is <svg>.
  return text.startsWith('<') && /<svg[\s>]/i.test(text)
}
