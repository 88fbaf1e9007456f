import crypto from 'node:crypto'
import { htmlToPlainText, sanitizeHtml } from '../../../kernel/text/sanitize.js'
import { call, ChannelError, charLength, requireCredential, type Channel, type ChannelContext, type ChannelStory, type SendResult } from './channel.js'

/**
 * WeChat Official Account (微信公众号), against the documented API (developers.weixin.qq.com):
 * stable_token for the access token; body images through media/uploadimg (their URLs replace
 * ours, WeChat shows no outside images); the cover as a permanent `thumb` material
 * (material/add_material); draft/add; freepublish/submit; the outcome by polling
 * freepublish/get or from the PUBLISHJOBFINISH callback; withdrawal with freepublish/delete.
 * A submit whose answer was lost is reconciled with freepublish/batchget before any resubmit.
 * A published article cannot be edited through the API, so a correction is a notice.
 */

const DEFAULT_API = 'https://api.weixin.qq.com'
const TITLE_MAX = 64
const DIGEST_MAX = 120
const AUTHOR_MAX = 16

interface WxAnswer { errcode?: number; errmsg?: string; [key: string]: unknown }

/** What each documented error code means for us: retry, refresh, or fail with a hint. */
export function wechatError(code: number, message: string): ChannelError {
  const text = `微信返回 ${code}：${message}`
  switch (code) {
    case -1: return new ChannelError({ code: 'WX_-1', message: text, hint: '微信系统繁忙，系统会自动重试', isRetryable: true })
    case 45009: return new ChannelError({ code: 'WX_45009', message: text, hint: '接口调用次数已达今日上限，请次日再发，或在公众平台“接口权限”中清零调用次数后重新发布' })
    case 48001: return new ChannelError({ code: 'WX_48001', message: text, hint: '公众号没有此接口权限（通常需要完成微信认证），请在公众平台开通后重新发布' })
    case 53503: return new ChannelError({ code: 'WX_53503', message: `${text}（草稿未通过发布检查）`, hint: '请按微信给出的检查结果修改稿件，重新签发后再发布' })
    case 40164: return new ChannelError({ code: 'WX_40164', message: text, hint: '服务器 IP 不在公众号的 IP 白名单中，请在公众平台添加后重试', needsReauth: true })
    case 40125: case 40013:
      return new ChannelError({ code: `WX_${code}`, message: text, hint: 'AppID 或 AppSecret 不正确，请在账号管理中更新凭据', needsReauth: true })
    default:
      if (code === 45011 || code === 45047) return new ChannelError({ code: `WX_${code}`, message: text, hint: '调用太频繁，系统会稍后重试', isRetryable: true, retryAfterMs: 60_000 })
      return new ChannelError({ code: `WX_${code}`, message: text, hint: '请根据微信返回的信息处理后重新发布' })
  }
}

const isTokenProblem = (code: number | undefined) => code === 40001 || code === 42001 || code === 40014

/** A WeChat API client bound to one account: token caching and the refresh-once rule. */
export function wechatClient(ctx: Pick<ChannelContext, 'account' | 'fetch' | 'tokens' | 'now'>) {
  const base = String(ctx.account.settings.apiBase || DEFAULT_API).replace(/\/$/, '')

  async function fetchToken(isForced: boolean): Promise<string> {
    const res = await call(ctx, 'wechat', `${base}/cgi-bin/stable_token`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credential', appid: requireCredential(ctx.account, 'appId'), secret: requireCredential(ctx.account, 'appSecret'), force_refresh: isForced }),
    })
    const answer = await res.json() as WxAnswer & { access_token?: string; expires_in?: number }
    if (!answer.access_token) {
      throw wechatError(answer.errcode ?? res.status, answer.errmsg ?? 'no access_token')
    }
    // Renew a little early so a token never expires between our check and WeChat's.
    await ctx.tokens.save({ token: answer.access_token, expiresAt: new Date(ctx.now.getTime() + ((answer.expires_in ?? 7200) - 300) * 1000) })
    return answer.access_token
  }

  async function token(isForced = false): Promise<string> {
    if (!isForced) {
      const cached = await ctx.tokens.get()
      if (cached && cached.expiresAt > ctx.now) return cached.token
    }
    return fetchToken(isForced)
  }

  /** Calls an API; on 40001/42001 refreshes the token (force_refresh) and retries exactly once. */
  async function api(path: string, body: { json?: unknown; form?: () => FormData }, query = ''): Promise<WxAnswer> {
    const send = async (accessToken: string) => {
      const res = await call(ctx, 'wechat', `${base}${path}?access_token=${encodeURIComponent(accessToken)}${query}`, body.form
        ? { method: 'POST', body: body.form() }
        : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body.json ?? {}) })
      if (res.status >= 500) throw new ChannelError({ code: `HTTP_${res.status}`, message: `微信返回 HTTP ${res.status}`, hint: '微信暂时不可用，系统会自动重试', isRetryable: true })
      return await res.json() as WxAnswer
    }
    let answer = await send(await token())
    if (isTokenProblem(answer.errcode)) answer = await send(await token(true))
    if (answer.errcode) throw wechatError(answer.errcode, answer.errmsg ?? '')
    return answer
  }

  return { api, token }
}

function upload(name: string, bytes: Buffer, contentType: string): () => FormData {
  return () => {
    const form = new FormData()
    form.append('media', new Blob([new Uint8Array(bytes)], { type: contentType }), name)
    return form
  }
}

/** The result of freepublish/get or of the callback, as our status. */
export function publishOutcome(answer: { publish_status?: number; article_id?: string; article_detail?: { item?: Array<{ article_url?: string }> }; fail_idx?: number[] }, remote: Record<string, unknown>): SendResult | { status: 'failed'; error: ChannelError } {
  const status = Number(answer.publish_status)
  if (status === 0) {
    const url = answer.article_detail?.item?.[0]?.article_url ?? null
    return { status: 'live', url, remote: { ...remote, articleId: answer.article_id ?? null } }
  }
  if (status === 1) return { status: 'awaiting_platform', remote }
  const reasons: Record<number, [string, string]> = {
    2: ['原创声明未通过', '请取消原创声明或核实原创后重新发布'],
    3: ['常规失败', '请稍后在公众平台查看草稿后重新发布'],
    4: ['平台审核不通过', '请按公众平台的审核意见修改稿件，重新签发后再发布'],
    5: ['发布成功后文章已被删除', '如需恢复请重新发布'],
    6: ['发布成功后被系统封禁', '请在公众平台查看封禁原因'],
  }
  const [what, hint] = reasons[status] ?? [`未知状态 ${status}`, '请在公众平台核实']
  return { status: 'failed', error: new ChannelError({ code: `WX_PUBLISH_${status}`, message: `微信发布结果：${what}`, hint }) }
}

async function send(ctx: ChannelContext, story: ChannelStory, remote: Record<string, unknown>): Promise<SendResult> {
  const next = { ...remote }
  try {
    return await steps(ctx, story, next)
  } catch (error) {
    if (error instanceof ChannelError) error.remote = next
    throw error
  }
}

/**
 * How long after an unanswered freepublish/submit the article may still be on its way: WeChat
 * checks it before it appears among the published ones. Only after this is a resubmit safe.
 */
export const SUBMIT_SETTLE_MS = 10 * 60_000
// Clocks (ours and WeChat's update_time) may disagree; an article this much older still counts.
const CLOCK_SKEW_MS = 60 * 60_000
const BATCH_COUNT = 20
const BATCH_MAX_PAGES = 10

interface PublishedNews { title?: string; content_source_url?: string; thumb_media_id?: string; url?: string; is_deleted?: boolean }
interface PublishedItem { article_id?: string; update_time?: number; content?: { news_item?: PublishedNews[] } }

/**
 * Looks for the article an unanswered freepublish/submit may have published, in the list of
 * successfully published articles (freepublish/batchget). The list gives article_id, update_time
 * and each article's news_item, but neither the draft's media_id nor the publish_id, so ours is
 * recognised by what only it carries: the cover material uploaded for this send
 * (thumb_media_id), with the story's 原文链接 (content_source_url) and title. The list comes
 * newest first, so paging stops at a page older than the submit.
 */
async function findPublished(wx: ReturnType<typeof wechatClient>, { thumbMediaId, siteUrl, title, since }: {
  thumbMediaId: string; siteUrl: string; title: string; since: Date
}): Promise<{ articleId: string; url: string | null; isDeleted: boolean } | null> {
  const oldest = since.getTime() - CLOCK_SKEW_MS
  for (let page = 0; page < BATCH_MAX_PAGES; page++) {
    // no_content 0: with 1 the documented answer leaves out `content`, which holds news_item.
    const answer = await wx.api('/cgi-bin/freepublish/batchget', { json: { offset: page * BATCH_COUNT, count: BATCH_COUNT, no_content: 0 } })
    const items = (answer.item ?? []) as PublishedItem[]
    for (const item of items) {
      const news = item.content?.news_item?.[0]
      if (item.article_id && news?.thumb_media_id === thumbMediaId && news.content_source_url === siteUrl && news.title === title) {
        return { articleId: item.article_id, url: news.url ?? null, isDeleted: news.is_deleted === true }
      }
    }
    const isLastPage = items.length < BATCH_COUNT || (page + 1) * BATCH_COUNT >= Number(answer.total_count ?? 0)
    if (isLastPage || items.every((i) => Number(i.update_time ?? 0) * 1000 < oldest)) return null
  }
  return null
}

async function steps(ctx: ChannelContext, story: ChannelStory, next: Record<string, unknown>): Promise<SendResult> {
  const wx = wechatClient(ctx)
  // Each step's result is kept on the publication (remote) by the runner when the job fails, so a
  // retry resumes after the last finished step instead of redoing it.
  if (!next.thumbMediaId) {
    if (!story.cover) throw new ChannelError({ code: 'WX_COVER_MISSING', message: '微信图文需要封面图', hint: '请为稿件设置封面后重新发布' })
    const bytes = await story.cover.read()
    const answer = await wx.api('/cgi-bin/material/add_material', { form: upload('cover.jpg', bytes, story.cover.contentType) }, '&type=thumb')
    next.thumbMediaId = answer.media_id
  }
  if (next.submittedAt && !next.publishId) {
    // An earlier attempt sent freepublish/submit and never learnt the answer (the process died or
    // the connection broke): find out whether it published before deciding to submit again.
    const found = await findPublished(wx, { thumbMediaId: String(next.thumbMediaId), siteUrl: story.siteUrl, title: story.title, since: new Date(String(next.submittedAt)) })
    if (found?.isDeleted) {
      // Published, then deleted on the platform by a person: sending it again is theirs to decide,
      // and a new send starts from a new draft.
      Object.assign(next, { draftMediaId: null, submittedAt: null, articleId: found.articleId })
      throw new ChannelError({ code: 'WX_PUBLISH_5', message: '微信发布结果：发布成功后文章已被删除', hint: '如需恢复请重新发布' })
    }
    if (found) return { status: 'live', url: found.url, remote: { ...next, articleId: found.articleId } }
    const waitedMs = ctx.now.getTime() - new Date(String(next.submittedAt)).getTime()
    if (waitedMs < SUBMIT_SETTLE_MS) {
      throw new ChannelError({
        code: 'WX_SUBMIT_UNCONFIRMED', message: '上次提交发布后没有收到微信的答复，微信已发布列表中暂未找到这篇文章',
        hint: '系统会稍后再次核对；确认没有发布后才会重新提交，不会重复发布', isRetryable: true, retryAfterMs: SUBMIT_SETTLE_MS - waitedMs,
      })
    }
    // Not among the published long after the submit: it never took effect, so submit again.
  }
  if (!next.draftMediaId) {
    let html = sanitizeHtml(story.bodyHtml, 'wechat').html
    for (const match of [...html.matchAll(/<img[^>]*\ssrc="([^"]+)"/g)]) {
      const src = match[1]
      if (src.includes('mmbiz.qpic.cn')) continue
      const image = await story.loadImage?.(src)
      if (!image) { html = html.replace(match[0], match[0].replace(src, '')); continue }
      const answer = await wx.api('/cgi-bin/media/uploadimg', { form: upload('image.jpg', image.bytes, image.contentType) })
      html = html.split(src).join(String(answer.url))
    }
    const answer = await wx.api('/cgi-bin/draft/add', {
      json: {
        articles: [{
          title: story.title, author: story.byline.slice(0, AUTHOR_MAX), digest: (story.summary || htmlToPlainText(story.bodyHtml)).slice(0, DIGEST_MAX),
          content: html, content_source_url: story.siteUrl, thumb_media_id: next.thumbMediaId, need_open_comment: 0, only_fans_can_comment: 0,
        }],
      },
    })
    next.draftMediaId = answer.media_id
  }
  // The draft is recorded durably before the submit: a process that dies between the submit and
  // its answer leaves `submittedAt` without `publishId`, which the retry reconciles above.
  Object.assign(next, { submittedAt: ctx.now.toISOString(), publishId: null })
  await ctx.checkpoint?.({ thumbMediaId: next.thumbMediaId, draftMediaId: next.draftMediaId, submittedAt: next.submittedAt, publishId: null })
  let submitted
  try {
    submitted = await wx.api('/cgi-bin/freepublish/submit', { json: { media_id: next.draftMediaId } })
  } catch (error) {
    // An answer with an error code means nothing was submitted: a later send need not reconcile.
    // A network failure leaves it unknown, and the marker stays.
    if (error instanceof ChannelError && error.code.startsWith('WX_')) next.submittedAt = null
    throw error
  }
  next.publishId = String(submitted.publish_id)
  return { status: 'awaiting_platform', remote: next }
}

export function wechatChannel(): Channel {
  return {
    kind: 'wechat_oa',
    capabilities: { maxTitleLength: TITLE_MAX, maxTextLength: 20_000, media: '封面为永久素材（thumb），正文图片经 uploadimg 上传', isAsync: true, canUpdate: false, canWithdraw: true, isLocal: false },
    fields: { credentials: ['appId', 'appSecret', 'callbackToken'], requiredCredentials: ['appId', 'appSecret'], settings: ['apiBase'] },
    validate(story) {
      const problems = []
      if (charLength(story.title) > TITLE_MAX) problems.push({ field: 'title', message: `微信标题不能超过 ${TITLE_MAX} 字` })
      if (!story.cover) problems.push({ field: 'cover', message: '微信图文需要封面图' })
      if (charLength(htmlToPlainText(story.bodyHtml)) > 20_000) problems.push({ field: 'body', message: '微信正文不能超过 2 万字' })
      return problems
    },
    render: (story) => ({ title: story.title, author: story.byline.slice(0, AUTHOR_MAX), digest: story.summary.slice(0, DIGEST_MAX), content: sanitizeHtml(story.bodyHtml, 'wechat').html, content_source_url: story.siteUrl }),
    publish: (ctx, story) => send(ctx, story, ctx.resume ?? {}),
    async status(ctx, remote) {
      const answer = await wechatClient(ctx).api('/cgi-bin/freepublish/get', { json: { publish_id: remote.publishId } })
      return publishOutcome(answer as Parameters<typeof publishOutcome>[0], remote)
    },
    async withdraw(ctx, { remote }) {
      if (!remote.articleId) throw new ChannelError({ code: 'WX_NO_ARTICLE', message: '没有微信文章编号，无法删除', hint: '请在公众平台手动删除' })
      await wechatClient(ctx).api('/cgi-bin/freepublish/delete', { json: { article_id: remote.articleId, index: 0 } })
      return 'removed'
    },
    async test(ctx) {
      await wechatClient(ctx).token(false)
      return '已取得微信接口调用凭据（stable_token）'
    },
  }
}

/** Verifies a callback as WeChat documents: sha1 of the sorted token, timestamp and nonce. */
export function isWechatSignatureValid({ token, timestamp, nonce, signature }: { token: string; timestamp: string; nonce: string; signature: string }): boolean {
  const expected = crypto.createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex')
  return expected.length === signature.length && crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(signature))
}

/** The PUBLISHJOBFINISH fields of a callback body (plain XML; CDATA allowed). */
export function parsePublishJobFinish(xml: string): { publishId: string; answer: Parameters<typeof publishOutcome>[0] } | null {
  const tag = (name: string, within = xml) => {
    const m = within.match(new RegExp(`<${name}>\\s*(?:<!\\[CDATA\\[([\\s\\S]*?)\\]\\]>|([^<]*))\\s*</${name}>`))
    return m ? (m[1] ?? m[2] ?? '').trim() : null
  }
  if (tag('Event') !== 'PUBLISHJOBFINISH') return null
  const publishId = tag('publish_id')
  if (!publishId) return null
  const status = Number(tag('publish_status'))
  const articleUrl = tag('article_url')
  return {
    publishId,
    answer: {
      publish_status: status, article_id: tag('article_id')?.replace(/\s+/g, '') ?? undefined,
      article_detail: articleUrl ? { item: [{ article_url: articleUrl }] } : undefined,
    },
  }
}
