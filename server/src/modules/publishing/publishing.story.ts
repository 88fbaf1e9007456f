import { Readable } from 'node:stream'
import type { Database } from '../../db/database.js'
import { inScope, type TenantScope } from '../../db/scope.js'
import type { TenantContext } from '../../kernel/access.js'
import { assetRuntime } from '../assets/assets.runtime.js'
import { createAssetsService } from '../assets/assets.service.js'
import { derivativeKey } from '../assets/storage/storage.js'
import { getVersion } from '../stories/stories.service.js'
import type { ChannelImage, ChannelStory } from './channels/channel.js'
import * as store from './publishing.store.js'

/** Per-channel overrides an editor may set in the publish dialog. */
export interface Overrides {
  title?: string
  summary?: string
  /** Which crop of the cover to send (e.g. 'wechat-cover', 'square'); the channel's default otherwise. */
  coverCrop?: string
}

const defaultCrop: Record<string, string> = { wechat_oa: 'wechat-cover', weibo: 'square', website: 'wide', rss: 'wide', webhook: 'wide' }

export function storyPath(centerSlug: string, storyId: string): string {
  return `/s/${centerSlug}/stories/${storyId}`
}

async function streamBytes(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(Buffer.from(chunk))
  return Buffer.concat(chunks)
}

/**
 * The cover as a channel needs it: the asset's rendition for the channel's crop (or the web
 * size when that crop is missing), read from the media store only when an adapter uploads it.
 */
async function coverOf(db: Database, scope: TenantScope, { assetId, channel, crop, title, publicUrl }: { assetId: string; channel: string; crop?: string; title: string; publicUrl: string }): Promise<ChannelImage | null> {
  const rt = assetRuntime(db)
  const assets = createAssetsService(rt)
  let asset
  try {
    asset = await assets.get({ tenant: { scope } as TenantContext }, assetId)
  } catch {
    return null
  }
  const wanted = crop ?? defaultCrop[channel] ?? 'wide'
  const pick = (name: string) => asset.renditions.find((r) => r.name === name && r.mimeType === 'image/jpeg')
  const rendition = pick(wanted) ?? pick('web') ?? asset.renditions.find((r) => r.mimeType === 'image/jpeg')
  if (!rendition) return null
  const file = rendition.url.split('/').pop()!
  return {
    url: `${publicUrl}${rendition.url}`, path: rendition.url, assetId: asset.id, width: rendition.width ?? 0, height: rendition.height ?? 0,
    alt: asset.caption || asset.title || title, contentType: rendition.mimeType,
    read: async () => streamBytes(await rt.storage.read(derivativeKey(asset.tenantId, asset.id, file))),
  }
}

/**
 * The story version a publication sends, shaped for one channel. `correction` adds the
 * correction facts (更正) the site and feeds show; `publicUrl` (config.publicUrl, the public
 * site's absolute address) makes the links outside platforms show: the story page and the cover.
 */
export async function channelStory(db: Database, scope: TenantScope, { publication, versionNumber, correction, publicUrl }: {
  publication: Pick<store.PublicationRow, 'story_id' | 'tenant_id' | 'channel' | 'overrides' | 'live_at'>; versionNumber: number; correction: { at: Date; note: string } | null
  publicUrl: string
}): Promise<ChannelStory> {
  // Its own short transaction, never inside another: PGlite has one connection, and the cover
  // lookup below goes through the assets service, which opens its own.
  const { version, slug } = await inScope(db, scope, async (trx) => ({
    version: await getVersion(trx, scope, publication.story_id, versionNumber),
    slug: await store.tenantSlug(trx, scope, publication.tenant_id),
  }))
  const overrides = publication.overrides as Overrides
  const content = version.content
  const title = overrides.title?.trim() || content.title
  return {
    tenantId: publication.tenant_id, centerSlug: slug, storyId: publication.story_id, versionNumber, versionHash: version.hash,
    title, subtitle: content.subtitle, summary: overrides.summary?.trim() || content.summary, bodyHtml: content.bodyHtml,
    byline: content.byline, source: content.source, section: content.section, tags: content.tags,
    cover: content.coverAssetId ? await coverOf(db, scope, { assetId: content.coverAssetId, channel: publication.channel, crop: overrides.coverCrop, title, publicUrl }) : null,
    siteUrl: `${publicUrl}${storyPath(slug, publication.story_id)}`,
    publishedAt: publication.live_at ? new Date(publication.live_at) : new Date(),
    correctedAt: correction?.at ?? null, correctionNote: correction?.note ?? null,
    async loadImage(src) {
      // Only https images can be fetched; our own relative paths are re-hosted from the media store.
      const own = src.match(/^\/media\/([0-9a-f-]{36})\/([0-9a-f-]{36})\/([A-Za-z0-9._-]+)$/)
      if (own) {
        try {
          return { bytes: await streamBytes(await assetRuntime(db).storage.read(derivativeKey(own[1], own[2], own[3]))), contentType: own[3].endsWith('.png') ? 'image/png' : 'image/jpeg' }
        } catch {
          return null
        }
      }
      return null
    },
  }
}

/** A correction notice (更正启事) for channels that cannot change what they published. */
export function correctionNotice(story: ChannelStory, note: string): ChannelStory {
  const text = note || '本文部分内容已更正。'
  return {
    ...story,
    title: `更正：${story.title}`.slice(0, 64),
    summary: text,
    bodyHtml: `<p>${escapeHtml(text)}</p><p>更正后的全文：<a href="${escapeHtml(story.siteUrl)}">${escapeHtml(story.title)}</a></p>`,
    correctionNote: text,
  }
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}
