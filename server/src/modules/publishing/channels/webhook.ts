import crypto from 'node:crypto'
import { htmlToPlainText, sanitizeHtml } from '../../../kernel/text/sanitize.js'
import { call, ChannelError, requireCredential, type Channel, type ChannelContext, type ChannelStory, type Problem } from './channel.js'

/**
 * Generic webhook: a JSON POST to the account's URL, signed so the receiver can trust it.
 * Headers: `X-Rongmei-Timestamp` (unix seconds), `X-Rongmei-Signature: sha256=<hex>` with
 * HMAC-SHA256 over `<timestamp>.<body>` using the account's secret (the timestamp inside the MAC
 * stops replays of an old body), `Idempotency-Key` (story version + account + action: a receiver
 * that keeps it never applies one delivery twice, even when we retry after a crash).
 * 2xx is success, 408/429/5xx and network failures are retried with backoff, other 4xx fail.
 */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
}

export function webhookPayload(event: 'publication.publish' | 'publication.update' | 'publication.withdraw', story: ChannelStory | null, extra: Record<string, unknown> = {}) {
  return {
    event,
    ...(story ? {
      story: {
        id: story.storyId, version: story.versionNumber, versionHash: story.versionHash, title: story.title, subtitle: story.subtitle,
        summary: story.summary, html: sanitizeHtml(story.bodyHtml, 'website').html, text: htmlToPlainText(story.bodyHtml),
        byline: story.byline, source: story.source, section: story.section, tags: story.tags,
        cover: story.cover ? { url: story.cover.url, width: story.cover.width, height: story.cover.height, alt: story.cover.alt } : null,
        url: story.siteUrl, publishedAt: story.publishedAt.toISOString(),
        correctedAt: story.correctedAt?.toISOString() ?? null, correctionNote: story.correctionNote,
      },
    } : {}),
    ...extra,
  }
}

async function deliver(ctx: Pick<ChannelContext, 'account' | 'fetch' | 'now'> & { idempotencyKey: string }, payload: unknown): Promise<Record<string, unknown>> {
  const url = String(ctx.account.settings.url ?? '')
  const secret = requireCredential(ctx.account, 'secret')
  const body = JSON.stringify(payload)
  const timestamp = String(Math.floor(ctx.now.getTime() / 1000))
  const res = await call(ctx, 'webhook', url, {
    method: 'POST', body,
    headers: {
      'content-type': 'application/json', 'user-agent': 'Rongmei-Webhook/1',
      'x-rongmei-timestamp': timestamp, 'x-rongmei-signature': webhookSignature(secret, timestamp, body), 'idempotency-key': ctx.idempotencyKey,
    },
  })
  const text = await res.text()
  if (res.ok) {
    try { return JSON.parse(text) as Record<string, unknown> } catch { return {} }
  }
  const isRetryable = res.status === 408 || res.status === 429 || res.status >= 500
  const retryAfter = Number(res.headers.get('retry-after'))
  throw new ChannelError({
    code: `HTTP_${res.status}`, message: `接收方返回 ${res.status}：${text.slice(0, 300)}`,
    hint: isRetryable ? '接收方暂时不可用，系统会自动重试' : '请检查接收地址与签名密钥是否与接收方一致',
    isRetryable, needsReauth: res.status === 401 || res.status === 403,
    retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
  })
}

function checkUrl(value: unknown): string | null {
  try {
    const url = new URL(String(value ?? ''))
    return url.protocol === 'https:' || url.protocol === 'http:' ? null : '接收地址必须是 http(s) 地址'
  } catch {
    return '接收地址不是有效的 URL'
  }
}

export function webhookChannel(): Channel {
  return {
    kind: 'webhook',
    capabilities: { maxTitleLength: 200, maxTextLength: null, media: '以 URL 传递封面', isAsync: false, canUpdate: true, canWithdraw: true, isLocal: false },
    fields: { credentials: ['secret'], requiredCredentials: ['secret'], settings: ['url'] },
    validate(story, account) {
      const problems: Problem[] = []
      const urlProblem = checkUrl(account.settings.url)
      if (urlProblem) problems.push({ field: 'account.url', code: 'WEBHOOK_URL_INVALID', message: `${urlProblem}，请在账号管理中填写接收方提供的地址` })
      if (!story.title.trim()) problems.push({ field: 'title', code: 'WEBHOOK_TITLE_EMPTY', message: '标题不能为空，请填写标题' })
      return problems
    },
    render: (story) => webhookPayload('publication.publish', story),
    async publish(ctx, story) {
      const answer = await deliver(ctx, webhookPayload('publication.publish', story))
      return { status: 'live', url: typeof answer.url === 'string' ? answer.url : null, remote: typeof answer.id === 'string' ? { id: answer.id } : {} }
    },
    async update(ctx, story, remote) {
      const answer = await deliver(ctx, webhookPayload('publication.update', story, { remote }))
      return { status: 'live', url: typeof answer.url === 'string' ? answer.url : null, remote }
    },
    async withdraw(ctx, { storyId, remote, reason }) {
      await deliver(ctx, webhookPayload('publication.withdraw', null, { storyId, remote, reason }))
      return 'removed'
    },
    async test(ctx) {
      const problem = checkUrl(ctx.account.settings.url)
      if (problem) throw new ChannelError({ code: 'URL_INVALID', message: problem, hint: '请填写接收方提供的地址' })
      await deliver({ ...ctx, idempotencyKey: `test:${ctx.now.getTime()}` }, { event: 'ping' })
      return '接收方已确认签名的测试请求'
    },
  }
}
