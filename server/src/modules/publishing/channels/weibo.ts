import { htmlToPlainText } from '../../../kernel/text/sanitize.js'
import { call, ChannelError, charLength, requireCredential, type Channel, type ChannelContext, type ChannelStory, type Problem } from './channel.js'

/**
 * Weibo (新浪微博) through the open API's statuses/share: a text of at most 140 characters as
 * Weibo counts them, which must contain a link under the app's safe domain (安全域名), and at
 * most one picture (JPEG/GIF/PNG under 5 MB). Withdrawal is statuses/destroy. A post cannot be
 * edited through the API: a correction is a new post pointing to the corrected story.
 */

const DEFAULT_API = 'https://api.weibo.com'
export const WEIBO_MAX = 140
const WEIBO_TITLE_MAX = 100
// Weibo shortens every link to a t.cn address, which counts as this many half-width characters.
const LINK_HALF_WIDTHS = 20
const PIC_MAX_BYTES = 5 * 1024 * 1024

/**
 * Length as Weibo counts it: a CJK or full-width character is 1, a half-width (ASCII)
 * character ½, every link the length of its short t.cn form; rounded up.
 */
export function weiboLength(text: string): number {
  let halves = 0
  const withoutLinks = text.replace(/https?:\/\/[^\s\u3000-\u303f\uff00-\uffef]+/g, () => { halves += LINK_HALF_WIDTHS; return '' })
  for (const ch of withoutLinks) halves += ch.codePointAt(0)! <= 0xff ? 1 : 2
  return Math.ceil(halves / 2)
}

/**
 * The post in its three parts: the 【title】 head, as much summary as fits (cut with an
 * ellipsis), and the link to our story page. `isCut` says whether the summary was shortened.
 */
export function weiboParts(story: ChannelStory, { isCorrection = false } = {}): { head: string; summary: string; link: string; isCut: boolean } {
  const head = `${isCorrection ? '【更正】' : ''}【${story.title}】`
  const link = ` ${story.siteUrl}`
  const room = WEIBO_MAX - weiboLength(head + link)
  let summary = (story.correctionNote && isCorrection ? story.correctionNote : story.summary || htmlToPlainText(story.bodyHtml)).replace(/\s+/g, ' ').trim()
  let isCut = false
  if (weiboLength(summary) > room) {
    const chars = [...summary]
    while (chars.length > 0 && weiboLength(chars.join('') + '…') > room) chars.pop()
    summary = chars.length > 0 ? `${chars.join('')}…` : ''
    isCut = true
  }
  return { head, summary, link, isCut }
}

/** The post: title, then as much summary as fits, then the link to our story page. */
export function weiboText(story: ChannelStory, { isCorrection = false } = {}): string {
  const { head, summary, link } = weiboParts(story, { isCorrection })
  return head + summary + link
}

function safeDomainOf(settings: Record<string, unknown>): string {
  return String(settings.safeDomain ?? '').trim().toLowerCase()
}

function isUnderDomain(url: string, domain: string): boolean {
  try {
    const host = new URL(url).hostname.toLowerCase()
    return domain !== '' && (host === domain || host.endsWith(`.${domain}`))
  } catch {
    return false
  }
}

interface WeiboAnswer { error_code?: number; error?: string; id?: number | string; idstr?: string; [key: string]: unknown }

/** What the documented error codes mean for us. */
export function weiboError(code: number, message: string, status: number): ChannelError {
  const text = `微博返回 ${code}：${message}`
  if ([21314, 21315, 21316, 21317, 21327, 21332, 21301].includes(code)) {
    return new ChannelError({ code: `WB_${code}`, message: text, hint: '微博授权已失效，请在账号管理中重新授权后重新发布', needsReauth: true })
  }
  if (code === 10023 || code === 10024 || code === 20016 || status === 429) {
    return new ChannelError({ code: `WB_${code}`, message: text, hint: '已达微博发送频率限制，系统会稍后自动重试', isRetryable: true, retryAfterMs: 15 * 60_000 })
  }
  if (code === 10001 || code === 10009 || status >= 500) return new ChannelError({ code: `WB_${code}`, message: text, hint: '微博暂时不可用，系统会自动重试', isRetryable: true })
  if (code === 20019 || code === 20017) return new ChannelError({ code: `WB_${code}`, message: text, hint: '微博认为内容与近期发布的重复，请修改后重新发布' })
  if (code === 20012) return new ChannelError({ code: `WB_${code}`, message: text, hint: '文字超过 140 字，请缩短标题或摘要' })
  if (code === 10014) return new ChannelError({ code: `WB_${code}`, message: text, hint: '应用没有 statuses/share 接口权限，请在微博开放平台申请' })
  return new ChannelError({ code: `WB_${code}`, message: text, hint: '请根据微博返回的信息处理后重新发布' })
}

async function weiboCall(ctx: Pick<ChannelContext, 'account' | 'fetch'>, path: string, form: FormData | URLSearchParams): Promise<WeiboAnswer> {
  const base = String(ctx.account.settings.apiBase || DEFAULT_API).replace(/\/$/, '')
  const res = await call(ctx, 'weibo', `${base}${path}`, { method: 'POST', body: form })
  let answer: WeiboAnswer
  try { answer = await res.json() as WeiboAnswer } catch { answer = { error_code: res.status, error: `HTTP ${res.status}` } }
  if (!res.ok || answer.error_code) throw weiboError(Number(answer.error_code ?? res.status), String(answer.error ?? ''), res.status)
  return answer
}

async function post(ctx: ChannelContext, story: ChannelStory, { isCorrection = false } = {}) {
  const token = requireCredential(ctx.account, 'accessToken')
  const form = new FormData()
  form.append('access_token', token)
  form.append('status', weiboText(story, { isCorrection }))
  if (story.cover) {
    const bytes = await story.cover.read()
    if (bytes.length <= PIC_MAX_BYTES) form.append('pic', new Blob([new Uint8Array(bytes)], { type: story.cover.contentType }), 'cover.jpg')
  }
  const answer = await weiboCall(ctx, '/2/statuses/share.json', form)
  const id = String(answer.idstr ?? answer.id)
  const uid = String((answer.user as { idstr?: string; id?: number } | undefined)?.idstr ?? (answer.user as { id?: number } | undefined)?.id ?? '')
  return { status: 'live' as const, url: uid ? `https://weibo.com/${uid}/${id}` : null, remote: { id } }
}

export function weiboChannel(): Channel {
  return {
    kind: 'weibo',
    capabilities: { maxTitleLength: WEIBO_TITLE_MAX, maxTextLength: WEIBO_MAX, media: '一张图片（JPEG/GIF/PNG，小于 5 MB）', isAsync: false, canUpdate: false, canWithdraw: true, isLocal: false },
    fields: { credentials: ['accessToken'], requiredCredentials: ['accessToken'], settings: ['safeDomain', 'apiBase'] },
    validate(story, account) {
      const problems: Problem[] = []
      const domain = safeDomainOf(account.settings)
      if (!domain) {
        problems.push({ field: 'account.safeDomain', code: 'WEIBO_SAFE_DOMAIN_MISSING', message: '请在账号管理中填写微博应用的安全域名' })
      } else if (!isUnderDomain(story.siteUrl, domain)) {
        problems.push({
          field: 'siteUrl', code: 'WEIBO_LINK_OUTSIDE_SAFE_DOMAIN',
          message: `稿件链接 ${story.siteUrl} 不在微博安全域名 ${domain} 下，微博会拒绝这条发布；请在账号管理中把安全域名改为本站的域名`,
        })
      }
      const head = weiboLength(`【${story.title}】 ${story.siteUrl}`)
      if (head > WEIBO_MAX) {
        problems.push({ field: 'title', code: 'WEIBO_TEXT_TOO_LONG', message: `标题加链接已有 ${head} 字，超过微博的 ${WEIBO_MAX} 字；请在“按渠道调整”中为微博写一个更短的标题` })
      } else if (weiboParts(story).isCut) {
        problems.push({ field: 'summary', code: 'WEIBO_SUMMARY_CUT', severity: 'warning', message: `摘要放不下微博的 ${WEIBO_MAX} 字，发出时会截断并加省略号；如需完整，请在“按渠道调整”中写一段更短的摘要` })
      }
      if (!story.cover) problems.push({ field: 'cover', code: 'WEIBO_NO_PICTURE', severity: 'warning', message: '稿件没有封面图，微博将只发文字；如需配图，请先为稿件设置封面' })
      return problems
    },
    render: (story) => ({ status: weiboText(story), hasPicture: Boolean(story.cover) }),
    preview(story) {
      const { head, summary, link } = weiboParts(story)
      const text = head + summary + link
      return {
        title: story.title, titleLength: charLength(story.title), titleLimit: WEIBO_TITLE_MAX, summary, text, textLength: weiboLength(text), textLimit: WEIBO_MAX,
        coverUrl: story.cover?.path ?? null, link: link.trim(),
      }
    },
    publish: (ctx, story) => post(ctx, story),
    async withdraw(ctx, { remote }) {
      if (!remote.id) throw new ChannelError({ code: 'WB_NO_ID', message: '没有微博编号，无法删除', hint: '请在微博手动删除' })
      await weiboCall(ctx, '/2/statuses/destroy.json', new URLSearchParams({ access_token: requireCredential(ctx.account, 'accessToken'), id: String(remote.id) }))
      return 'removed'
    },
    async test(ctx) {
      const base = String(ctx.account.settings.apiBase || DEFAULT_API).replace(/\/$/, '')
      const token = requireCredential(ctx.account, 'accessToken')
      const res = await call(ctx, 'weibo', `${base}/oauth2/get_token_info`, { method: 'POST', body: new URLSearchParams({ access_token: token }) })
      const answer = await res.json() as WeiboAnswer & { expire_in?: number }
      if (!res.ok || answer.error_code) throw weiboError(Number(answer.error_code ?? res.status), String(answer.error ?? ''), res.status)
      return `微博授权有效，约 ${Math.floor(Number(answer.expire_in ?? 0) / 86400)} 天后到期`
    },
  }
}
