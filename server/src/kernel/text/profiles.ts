/**
 * The allow-lists behind `sanitizeHtml`. Everything not named here is removed: a tag, an
 * attribute, a class, a style declaration, a URL scheme. Adding to a list widens what a user can
 * put on the public site, so each entry should answer "which editor feature needs this?".
 */

export type SanitizeProfile = 'story' | 'website' | 'wechat' | 'plain'

export const sanitizeProfiles: readonly SanitizeProfile[] = ['story', 'website', 'wechat', 'plain']

/** How URLs in `href` are judged: the web profiles link anywhere safe, WeChat only to its own articles. */
export type LinkPolicy = 'web' | 'wechat'

export interface ProfileRules {
  tags: readonly string[]
  /** Attributes per tag; class is listed separately in `classes`. */
  attributes: Readonly<Record<string, readonly string[]>>
  classes: Readonly<Record<string, readonly string[]>>
  /** Inline style: property → whole-value pattern. Empty = no style attribute at all. */
  styles: Readonly<Record<string, RegExp>>
  /** Whether `id` (footnote anchors only) survives. */
  allowsFootnoteIds: boolean
  links: LinkPolicy
}

/** Footnote anchors are the only ids we keep; the fixed prefix also rules out DOM clobbering (`id="location"`). */
export const FOOTNOTE_ID = /^fn-[A-Za-z0-9_-]{1,80}$/

const blockTags = ['p', 'h2', 'h3', 'h4', 'blockquote', 'ul', 'ol', 'li', 'hr', 'br', 'figure', 'figcaption']
const inlineTags = ['strong', 'em', 'u', 's', 'sub', 'sup', 'span', 'a', 'img']
const tableTags = ['table', 'thead', 'tbody', 'tr', 'th', 'td']

/** Marks the editor draws with classes (highlight, emphasis dots) and paragraph alignment. */
const markClasses = ['highlight', 'emphasis-dot', 'wavy-underline']
const alignClasses = ['text-left', 'text-center', 'text-right', 'text-justify']

const webRules: ProfileRules = {
  tags: [...blockTags, ...inlineTags, ...tableTags],
  attributes: {
    a: ['href', 'rel', 'target', 'id'],
    img: ['src', 'alt', 'width', 'height'],
    td: ['colspan', 'rowspan'],
    th: ['colspan', 'rowspan'],
    ol: ['start'],
    li: ['id'],
    sup: ['id'],
  },
  classes: {
    span: markClasses,
    p: alignClasses,
    h2: alignClasses,
    h3: alignClasses,
    h4: alignClasses,
    sup: ['footnote-ref'],
    ol: ['footnotes'],
  },
  styles: {},
  allowsFootnoteIds: true,
  links: 'web',
}

const cssLength = String.raw`(?:0|\d{1,3}(?:\.\d{1,2})?(?:px|em|rem|%))`

/**
 * WeChat's editor drops classes and ids, so presentation travels as inline style; only values that
 * cannot carry a URL or an expression are accepted (each pattern matches the whole value).
 */
const wechatStyles: Record<string, RegExp> = {
  'text-align': /^(?:left|right|center|justify)$/,
  color: /^(?:#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}|rgb\(\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*\)|[a-z]{3,20})$/,
  'font-size': new RegExp(`^${cssLength}$`),
  margin: new RegExp(`^${cssLength}(?:\\s+${cssLength}){0,3}$`),
  'line-height': /^(?:normal|\d{1,2}(?:\.\d{1,2})?(?:px|em|rem|%)?)$/,
}

const wechatRules: ProfileRules = {
  tags: webRules.tags,
  attributes: Object.fromEntries(
    Object.entries(webRules.attributes)
      .map(([tag, attrs]) => [tag, attrs.filter((a) => a !== 'id' && a !== 'rel' && a !== 'target')] as const)
      .filter(([, attrs]) => attrs.length > 0),
  ),
  classes: {},
  styles: wechatStyles,
  allowsFootnoteIds: false,
  links: 'wechat',
}

const plainRules: ProfileRules = {
  tags: [],
  attributes: {},
  classes: {},
  styles: {},
  allowsFootnoteIds: false,
  links: 'web',
}

export const profileRules: Readonly<Record<SanitizeProfile, ProfileRules>> = {
  story: webRules,
  website: webRules,
  wechat: wechatRules,
  plain: plainRules,
}

/** Tags whose whole content goes with them: it is not text a reader should see (or is foreign markup). */
export const dropWithContent = [
  'script', 'style', 'textarea', 'option', 'select', 'xmp', 'noscript', 'noembed', 'noframes',
  'plaintext', 'iframe', 'frameset', 'template', 'svg', 'math', 'object', 'applet', 'title', 'head',
]

/** Older or pasted markup that maps onto an allowed tag instead of losing its meaning. */
export const tagAliases: Readonly<Record<string, string>> = {
  b: 'strong',
  i: 'em',
  strike: 's',
  del: 's',
  h1: 'h2',
  h5: 'h4',
  h6: 'h4',
}

export const EXTERNAL_LINK_REL = 'noopener noreferrer nofollow'

/**
 * Our own media paths an image may point at: stored uploads, assets still being stored, and the
 * images a .docx import brought into a story (served by the stories module until the media
 * library takes them over).
 */
export const ownImagePath = /^\/(?:media\/|api\/v1\/assets\/|api\/v1\/stories\/[0-9a-f-]{36}\/images\/)[A-Za-z0-9._~%\-/]+$/

export const WECHAT_ARTICLE_HOST = 'mp.weixin.qq.com'
