import { Feed } from 'feed'
import type { SiteCenter } from './site.layout.js'
import { columnPath } from './site.layout.js'
import { storyPath } from './site.views.js'
import type { SiteCover } from '../../db/schema.js'

export type FeedFormat = 'rss' | 'atom' | 'json'

export const feedTypes: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
}

export interface FeedRow {
  story_id: string
  title: string
  subtitle: string
  summary: string
  body_html: string
  byline: string
  section: string
  tags: string[]
  cover: SiteCover | null
  published_at: Date
  corrected_at: Date | null
  updated_at: Date
}

/** Site-relative links and image sources in a story body, made absolute for feed readers. */
function absolutize(html: string, origin: string): string {
  return html.replace(/(\s(?:src|href)=")\/(?!\/)/g, `$1${origin}/`)
}

/**
 * One feed of a center (or of one column) in RSS 2.0, Atom 1.0 or JSON Feed 1.1, with the `feed`
 * library. Full text is included: feed readers are a channel of their own (the rss account).
 */
export function renderFeed(format: FeedFormat, { center, section, rows, origin }: { center: SiteCenter; section?: string; rows: FeedRow[]; origin: string }): string {
  const base = section !== undefined ? columnPath(center.slug, section) : `/s/${center.slug}`
  const home = section !== undefined ? `${origin}${base}` : `${origin}${base}/`
  const updated = rows.reduce<Date | null>((max, r) => (!max || r.updated_at > max ? r.updated_at : max), null) ?? new Date(0)
  const feed = new Feed({
    id: home, link: home, title: section !== undefined ? `${center.name} - ${section}` : center.name,
    description: section !== undefined ? `${center.name}“${section}”栏目的最新稿件` : `${center.name}的最新稿件`,
    language: 'zh-CN', updated, generator: 'Rongmei 融媒', copyright: `© ${center.name}`,
    feedLinks: { rss: `${origin}${base}/feed.xml`, atom: `${origin}${base}/feed.atom`, json: `${origin}${base}/feed.json` },
    author: { name: center.name, link: `${origin}/s/${center.slug}/` },
  })
  for (const r of rows) {
    const link = `${origin}${storyPath(center.slug, r.story_id)}`
    feed.addItem({
      title: r.title, id: link, guid: link, link, date: r.corrected_at ?? r.published_at, published: r.published_at,
      description: r.summary || r.subtitle || undefined, content: absolutize(r.body_html, origin),
      category: [...(r.section ? [{ name: r.section }] : []), ...r.tags.map((t) => ({ name: t }))],
      author: r.byline ? [{ name: r.byline }] : undefined,
      image: r.cover ? { url: `${origin}${r.cover.url}`, type: mimeOf(r.cover.url) } : undefined,
    })
  }
  return format === 'rss' ? feed.rss2() : format === 'atom' ? feed.atom1() : feed.json1()
}

function mimeOf(url: string): string {
  const ext = /\.([a-z0-9]+)(?:$|\?)/i.exec(url)?.[1]?.toLowerCase()
  return ext === 'png' ? 'image/png' : ext === 'webp' ? 'image/webp' : ext === 'gif' ? 'image/gif' : 'image/jpeg'
}
