import { Parser } from 'htmlparser2'
import type { Hit, RuleSet } from './checks.types.js'

/**
 * Images in a story body without a caption (图说) or a credit (署名/来源). Plain text has no
 * place for an image, so these hits are ranged over the body's images instead: `start` is the
 * image's 0-based position among the `<img>` elements of the body HTML and `end` is `start + 1`,
 * and `field` is 'image'. The console decorates that image in the editor.
 */
export interface ImageHit extends Hit {
  field: 'image'
  image: { index: number; src: string; alt: string }
}

/** The rule in the rule set that stands for this check (so a tenant may disable it or change its severity). */
export const IMAGE_RULE_ID = 'link.image-caption'

/** Words that name who took or supplied a picture: 摄, 供图, 图源, 来源, ©, 新华社发 … */
const CREDIT = /摄|供图|图源|图片来源|来源[:：]|图[:：\/]|©|\(c\)|视觉中国|新华社发|图虫|受访者提供|资料图|网络图片|AI生成|示意图/i

interface Found { src: string; alt: string; figure: number | null }

/**
 * Reads the body HTML once: each image, and for each `<figure>` its caption text. A caption is
 * the figure's `<figcaption>`, or `caption`/`credit` given by the media library (an image whose
 * asset has both is fine without a figcaption).
 */
export function checkImages(html: string, { ruleSet, assetCaptions = new Map() }: {
  ruleSet: RuleSet; assetCaptions?: ReadonlyMap<string, { caption: string; credit: string }>
}): ImageHit[] {
  const rule = ruleSet.rules.find((r) => r.id === IMAGE_RULE_ID)
  if (!rule || !html.includes('<img')) return []
  const images: Found[] = []
  const captions: string[] = []
  const figures: number[] = []
  let captionDepth = 0
  const parser = new Parser({
    onopentag(name, attribs) {
      if (name === 'figure') { figures.push(captions.length); captions.push('') }
      else if (name === 'figcaption') captionDepth++
      else if (name === 'img') images.push({ src: attribs.src ?? '', alt: attribs.alt ?? '', figure: figures.length ? figures[figures.length - 1] : null })
    },
    ontext(text) {
      if (captionDepth > 0 && figures.length) captions[figures[figures.length - 1]] += text
    },
    onclosetag(name) {
      if (name === 'figure') figures.pop()
      else if (name === 'figcaption') captionDepth = Math.max(0, captionDepth - 1)
    },
  }, { decodeEntities: true, lowerCaseTags: true })
  parser.write(html)
  parser.end()

  const hits: ImageHit[] = []
  images.forEach((image, index) => {
    const asset = assetCaptions.get(assetIdOf(image.src) ?? '')
    const caption = (image.figure === null ? '' : captions[image.figure]).replace(/\s+/g, ' ').trim()
    const hasCaption = caption !== '' || Boolean(asset?.caption.trim())
    const hasCredit = CREDIT.test(caption) || Boolean(asset?.credit.trim())
    if (hasCaption && hasCredit) return
    const missing = !hasCaption && !hasCredit ? '图片说明和作者（来源）署名' : !hasCaption ? '图片说明' : '作者（来源）署名'
    hits.push({
      start: index, end: index + 1, ruleId: rule.id, category: rule.category, severity: rule.severity,
      message: `第 ${index + 1} 张图片缺少${missing}：发布的图片应有图说，并注明摄影者或来源（如“记者 张三 摄”“受访者供图”）`,
      suggestion: null, source: rule.source, field: 'image', image: { index, src: image.src, alt: image.alt },
    })
  })
  return hits
}

const ASSET_SRC = /^\/api\/v1\/assets\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:[/?]|$)/i

/** The media-library asset an image shows, when its src is one of ours. */
export function assetIdOf(src: string): string | null {
  return ASSET_SRC.exec(src)?.[1]?.toLowerCase() ?? null
}
