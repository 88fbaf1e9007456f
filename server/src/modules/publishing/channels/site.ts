import type { Database } from '../../../db/database.js'
import type { Tx } from '../../../db/scope.js'
import { AppError } from '../../../kernel/errors.js'
import { sanitizeHtml } from '../../../kernel/text/sanitize.js'
import { ChannelError, charLength, type Channel, type ChannelContext, type ChannelStory, type Problem } from './channel.js'

const SITE_TITLE_MAX = 200

/**
 * The public site's side of the contract with the site module (site.publisher.ts, owned there):
 * website and rss write to our own database, inside the job's transaction, so the page and the
 * publication's "live" state commit together (exactly once, no network in between).
 */
export interface SiteArticle {
  tenantId: string; storyId: string; versionNumber: number; versionHash: string
  title: string; subtitle: string; summary: string; bodyHtml: string
  byline: string; source: string; section: string; tags: string[]
  cover: { url: string; width: number; height: number; alt: string } | null
  publishedAt: Date; correctedAt: Date | null; correctionNote: string | null
}

export interface SitePublisher {
  publish(trx: Tx, input: { channel: 'website' | 'rss'; article: SiteArticle }): Promise<{ url: string }>
  withdraw(trx: Tx, input: { channel: 'website' | 'rss'; tenantId: string; storyId: string; reason: string; at: Date }): Promise<void>
}

export type SitePublisherFactory = (deps: { db: Database }) => SitePublisher

/** The article the site stores, rendered from the story with the website profile. */
export function siteArticle(story: ChannelStory): SiteArticle {
  return {
    tenantId: story.tenantId, storyId: story.storyId, versionNumber: story.versionNumber, versionHash: story.versionHash,
    title: story.title, subtitle: story.subtitle, summary: story.summary, bodyHtml: sanitizeHtml(story.bodyHtml, 'website').html,
    byline: story.byline, source: story.source, section: story.section, tags: story.tags,
    cover: story.cover ? { url: story.cover.path, width: story.cover.width, height: story.cover.height, alt: story.cover.alt } : null,
    publishedAt: story.publishedAt, correctedAt: story.correctedAt, correctionNote: story.correctionNote,
  }
}

function needTrx(ctx: ChannelContext): Tx {
  // A local channel run outside a transaction is a programming error, not a platform answer.
  if (!ctx.trx) throw new Error('the site channels run inside the job transaction')
  return ctx.trx
}

/** `website` (story pages) or `rss` (feeds) on the center's own public site. */
export function siteChannel(kind: 'website' | 'rss', publisher: SitePublisher): Channel {
  const send = async (ctx: ChannelContext, story: ChannelStory) => {
    try {
      const { url } = await publisher.publish(needTrx(ctx), { channel: kind, article: siteArticle(story) })
      return { status: 'live' as const, url, remote: {} }
    } catch (error) {
      // The site refuses what it cannot show (AppError with field errors): that will not pass on retry.
      if (error instanceof AppError) throw siteError(`网站拒绝了稿件：${error.message}`)
      throw error
    }
  }
  return {
    kind,
    capabilities: { maxTitleLength: SITE_TITLE_MAX, maxTextLength: null, media: '正文图片与封面随稿件显示', isAsync: false, canUpdate: true, canWithdraw: true, isLocal: true },
    fields: { credentials: [], requiredCredentials: [], settings: [] },
    validate(story) {
      const problems: Problem[] = []
      if (!story.title.trim()) problems.push({ field: 'title', code: 'SITE_TITLE_EMPTY', message: '标题不能为空，请填写标题' })
      if (charLength(story.title) > SITE_TITLE_MAX) problems.push({ field: 'title', code: 'SITE_TITLE_TOO_LONG', message: `标题不能超过 ${SITE_TITLE_MAX} 字，请在“按渠道调整”中缩短标题` })
      if (story.cover && !story.cover.alt.trim()) problems.push({ field: 'cover', code: 'SITE_COVER_ALT_MISSING', message: '封面图需要替代文字（无障碍），请在素材库中为封面图填写说明' })
      return problems
    },
    render: (story) => siteArticle(story),
    publish: send,
    update: (ctx, story) => send(ctx, story),
    async withdraw(ctx, { storyId, reason }) {
      await publisher.withdraw(needTrx(ctx), { channel: kind, tenantId: ctx.account.tenantId, storyId, reason, at: ctx.now })
      return 'removed'
    },
    async test() {
      return kind === 'website' ? '本中心网站，无需外部凭据' : '本中心 RSS/JSON 订阅源，无需外部凭据'
    },
  }
}

/** Used where a site write fails for a reason the editor can act on. */
export function siteError(message: string): ChannelError {
  return new ChannelError({ code: 'SITE', message, hint: '请联系管理员检查网站配置' })
}
