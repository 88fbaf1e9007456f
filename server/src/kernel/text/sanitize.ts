import sanitize from 'sanitize-html'
import { htmlToPlainText } from './plain-text.js'
import {
  EXTERNAL_LINK_REL, FOOTNOTE_ID, WECHAT_ARTICLE_HOST, dropWithContent, ownImagePath, profileRules, tagAliases,
  type ProfileRules, type SanitizeProfile,
} from './profiles.js'

export { htmlToPlainText } from './plain-text.js'
export type { SanitizeProfile } from './profiles.js'

export type RemovalReason =
  | 'tag_not_allowed'
  | 'attribute_not_allowed'
  | 'event_handler'
  | 'unsafe_url'
  | 'url_not_allowed'
  | 'class_not_allowed'
  | 'style_not_allowed'
  | 'invalid_value'
  | 'image_without_source'

/** One thing the sanitiser dropped, so the editor can tell the user (listed once per tag/attribute/reason). */
export interface Removal {
  tag?: string
  attribute?: string
  reason: RemovalReason
}

export interface SanitizeResult {
  html: string
  removed: Removal[]
}

/**
 * Cleans HTML against a profile's allow-list (see profiles.ts). Two layers: our attribute filter
 * decides each attribute (and says why it went), then sanitize-html enforces the same lists on
 * the tag structure and re-escapes every text and attribute value. The result is a fixed point:
 * sanitising it again returns it unchanged.
 *
 * @example sanitizeHtml('<p onclick="x()">hi</p>', 'story') // { html: '<p>hi</p>', removed: [{ tag: 'p', attribute: 'onclick', reason: 'event_handler' }] }
 */
export function sanitizeHtml(html: string, profile: SanitizeProfile): SanitizeResult {
  const removed = new RemovalLog()
  if (profile === 'plain') return sanitizePlain(html, removed)
  const rules = profileRules[profile]
  const output = sanitize(html, {
    allowedTags: [...rules.tags],
    allowedAttributes: {
      ...Object.fromEntries(Object.entries(rules.attributes).map(([t, a]) => [t, [...a]])),
      ...(Object.keys(rules.styles).length > 0 ? { '*': ['style'] } : {}),
    },
    allowedClasses: Object.fromEntries(Object.entries(rules.classes).map(([t, c]) => [t, [...c]])),
    allowedStyles: Object.keys(rules.styles).length > 0
      ? { '*': Object.fromEntries(Object.entries(rules.styles).map(([p, re]) => [p, [re]])) }
      : undefined,
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['https'] },
    allowedSchemesAppliedToAttributes: ['href', 'src'],
    allowProtocolRelative: false,
    // sanitize-html's default keeps an empty alt="" (a decorative image), the only empty attribute we want.
    disallowedTagsMode: 'discard',
    nonTextTags: dropWithContent,
    selfClosing: ['img', 'br', 'hr'],
    parser: { lowerCaseTags: true, lowerCaseAttributeNames: true, decodeEntities: true },
    transformTags: {
      ...tagAliases,
      '*': (tagName, attribs) => ({ tagName, attribs: filterAttributes(tagName, attribs, rules, removed) }),
    },
    exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
  })
  return { html: output, removed: removed.list() }
}

/** Text only: markup goes, block boundaries become line breaks, and the text is HTML-escaped. */
function sanitizePlain(html: string, removed: RemovalLog): SanitizeResult {
  for (const match of html.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)/g)) {
    removed.add({ tag: match[1].toLowerCase(), reason: 'tag_not_allowed' })
  }
  return { html: escapeText(htmlToPlainText(html)), removed: removed.list() }
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

class RemovalLog {
  private readonly seen = new Map<string, Removal>()
  add(removal: Removal): void {
    const key = `${removal.tag ?? ''}|${removal.attribute ?? ''}|${removal.reason}`
    if (!this.seen.has(key)) this.seen.set(key, removal)
  }
  list(): Removal[] {
    return [...this.seen.values()]
  }
}

function filterAttributes(tag: string, attribs: sanitize.Attributes, rules: ProfileRules, removed: RemovalLog): sanitize.Attributes {
  if (!rules.tags.includes(tag)) {
    removed.add({ tag, reason: 'tag_not_allowed' })
    return {}
  }
  const allowed = rules.attributes[tag] ?? []
  const kept: sanitize.Attributes = {}
  for (const [name, raw] of Object.entries(attribs)) {
    const value = raw ?? ''
    if (name.startsWith('on')) {
      removed.add({ tag, attribute: name, reason: 'event_handler' })
    } else if (name === 'class') {
      const classes = filterClasses(tag, value, rules, removed)
      if (classes) kept.class = classes
    } else if (name === 'style') {
      const style = filterStyle(tag, value, rules, removed)
      if (style) kept.style = style
    } else if (name === 'src' && stripUrl(value) === '') {
      // An empty source is an image with no source, reported once as such below.
    } else if (!allowed.includes(name)) {
      removed.add({ tag, attribute: name, reason: 'attribute_not_allowed' })
    } else {
      const verdict = checkValue(name, value, rules)
      if (typeof verdict === 'string') kept[name] = verdict
      else removed.add({ tag, attribute: name, reason: verdict.reason })
    }
  }
  if (tag === 'a') settleLinkTarget(kept, rules)
  if (tag === 'img' && !kept.src) removed.add({ tag, reason: 'image_without_source' })
  return kept
}

/** External links open without a referrer or opener and pass no ranking; only `_blank` as a target. */
function settleLinkTarget(attribs: sanitize.Attributes, rules: ProfileRules): void {
  const isExternal = /^https?:/i.test(attribs.href ?? '')
  if (rules.attributes.a?.includes('rel') && isExternal) attribs.rel = EXTERNAL_LINK_REL
  else delete attribs.rel
  if (!isExternal) delete attribs.target
}

type Verdict = string | { reason: RemovalReason }

function checkValue(name: string, value: string, rules: ProfileRules): Verdict {
  switch (name) {
    case 'href':
      return checkHref(value, rules)
    case 'src':
      return checkImageSource(value)
    case 'width':
    case 'height':
      return /^\d{1,5}$/.test(value) ? value : { reason: 'invalid_value' }
    case 'colspan':
    case 'rowspan':
      return /^[1-9]\d{0,2}$/.test(value) ? value : { reason: 'invalid_value' }
    case 'start':
      return /^\d{1,6}$/.test(value) ? value : { reason: 'invalid_value' }
    case 'id':
      return rules.allowsFootnoteIds && FOOTNOTE_ID.test(value) ? value : { reason: 'invalid_value' }
    case 'target':
      return value === '_blank' ? value : { reason: 'invalid_value' }
    case 'rel':
      return value
    case 'alt':
      return value
    default:
      return { reason: 'attribute_not_allowed' }
  }
}

/** What a browser's URL parser ignores: surrounding C0 controls and spaces, and tabs/newlines anywhere. */
function stripUrl(value: string): string {
  return value.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '')
}

const dangerousSchemes = new Set(['javascript:', 'vbscript:', 'data:', 'file:', 'blob:', 'filesystem:'])

function parseAbsolute(value: string): URL | null {
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(value)) return null
  try {
    return new URL(value)
  } catch {
    return null
  }
}

function refusal(url: URL | null): { reason: RemovalReason } {
  return { reason: url && !dangerousSchemes.has(url.protocol) ? 'url_not_allowed' : 'unsafe_url' }
}

function checkHref(raw: string, rules: ProfileRules): Verdict {
  const value = stripUrl(raw)
  if (rules.allowsFootnoteIds && value.startsWith('#') && FOOTNOTE_ID.test(value.slice(1))) return value
  const url = parseAbsolute(value)
  if (rules.links === 'wechat') {
    const isArticle = url !== null && (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname === WECHAT_ARTICLE_HOST
    return isArticle ? value : refusal(url)
  }
  const isAllowed = url !== null && ['http:', 'https:', 'mailto:'].includes(url.protocol) && (url.protocol === 'mailto:' || url.hostname !== '')
  return isAllowed ? value : refusal(url)
}

function checkImageSource(raw: string): Verdict {
  const value = stripUrl(raw)
  if (value.startsWith('/')) {
    const isOwn = ownImagePath.test(value) && !value.split('/').some((segment) => segment === '..' || segment === '.')
    return isOwn ? value : { reason: 'url_not_allowed' }
  }
  const url = parseAbsolute(value)
  return url?.protocol === 'https:' && url.hostname !== '' ? value : refusal(url)
}

function filterClasses(tag: string, value: string, rules: ProfileRules, removed: RemovalLog): string {
  const allowed = rules.classes[tag] ?? []
  const names = value.split(/\s+/).filter(Boolean)
  const kept = names.filter((name) => allowed.includes(name))
  if (kept.length < names.length) removed.add({ tag, attribute: 'class', reason: 'class_not_allowed' })
  return kept.join(' ')
}

/**
 * Keeps only allow-listed declarations whose whole value matches. The canonical `prop:value;…`
 * form is what sanitize-html writes too, so the second pass changes nothing.
 */
function filterStyle(tag: string, value: string, rules: ProfileRules, removed: RemovalLog): string {
  const kept: string[] = []
  let isAnyDropped = false
  for (const declaration of value.split(';')) {
    if (declaration.trim() === '') continue
    const colon = declaration.indexOf(':')
    const property = declaration.slice(0, colon).trim().toLowerCase()
    const propertyValue = declaration.slice(colon + 1).trim()
    const pattern = colon > 0 ? rules.styles[property] : undefined
    if (pattern?.test(propertyValue)) kept.push(`${property}:${propertyValue}`)
    else isAnyDropped = true
  }
  if (isAnyDropped) removed.add({ tag, attribute: 'style', reason: 'style_not_allowed' })
  return kept.join(';')
}
