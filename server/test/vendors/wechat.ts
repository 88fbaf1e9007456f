import crypto from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A local WeChat Official Account API, speaking the documented endpoints and answers
 * (developers.weixin.qq.com, 公众号 → 草稿箱 / 发布能力 / 素材管理 / 获取稳定版接口调用凭据):
 * stable_token (force_refresh invalidates the previous token), material/add_material (type=thumb),
 * media/uploadimg, draft/add, freepublish/submit → publish_id, freepublish/get (publish_status 1
 * until the test finishes the job), freepublish/batchget (the successfully published articles,
 * newest first: article_id, update_time, content.news_item), freepublish/delete. Error codes are
 * programmable per path; `dropNext` and `holdNext` lose or delay an answer, as a dying process or
 * a broken connection does.
 */
export interface WechatServer {
  apiBase: string
  appId: string
  appSecret: string
  calls: string[]
  tokensIssued: number
  thumbs: number
  images: number
  drafts: Array<{ mediaId: string; article: Record<string, unknown> }>
  /** Submitted publish jobs by publish_id: status 1 while publishing. */
  jobs: Map<string, { mediaId: string; status: number; articleId?: string; url?: string; updateTime?: number; isDeleted?: boolean }>
  /** freepublish/submit calls WeChat carried out (each one is a publication on the account). */
  submits: number
  deleted: Array<{ articleId: string; index: number }>
  /** The next call to `path` answers this errcode (once per entry, in order). */
  failNext(path: string, errcode: number, errmsg?: string): void
  /**
   * The next call to `path` gets no answer: the connection is cut, after the call was carried out
   * (`isPerformed`, the answer lost on the way back) or before.
   */
  dropNext(path: string, options: { isPerformed: boolean }): void
  /** The next call to `path` is carried out and its answer held until `release()`; `arrived` resolves once it has been carried out. */
  holdNext(path: string): { arrived: Promise<void>; release(): void }
  /** Makes the current token expire (the next API call answers 42001). */
  expireToken(): void
  /** Ends a publish job with `status` (0 success, 4 platform review failed …). */
  finish(publishId: string, status: number): { articleId: string; url: string }
  close(): Promise<void>
}

export async function startWechatServer({ appId = 'wx1234567890abcdef', appSecret = 'wechat-app-secret' } = {}): Promise<WechatServer> {
  let currentToken: string | null = null
  let isExpired = false
  let sequence = 0
  const failures = new Map<string, Array<{ errcode: number; errmsg: string }>>()
  const drops = new Map<string, Array<{ isPerformed: boolean }>>()
  const holds = new Map<string, Array<{ arrive: () => void; released: Promise<void> }>>()
  const s = { appId, appSecret, calls: [], tokensIssued: 0, thumbs: 0, images: 0, drafts: [], jobs: new Map(), deleted: [], submits: 0 } as unknown as WechatServer

  const send = (res: http.ServerResponse, body: unknown): void => void res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body))

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      // Answers of paths armed with dropNext/holdNext are lost or held once the call has taken effect.
      let answer: (res: http.ServerResponse, body: unknown) => void = send
      const url = new URL(req.url ?? '/', 'http://localhost')
      const path = url.pathname
      s.calls.push(path)
      const raw = Buffer.concat(chunks)
      const json = () => JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown>
      if (path === '/cgi-bin/stable_token') {
        const body = json()
        if (body.appid !== appId || body.secret !== appSecret) return answer(res, { errcode: 40013, errmsg: 'invalid appid' })
        if (!currentToken || body.force_refresh === true || isExpired) {
          currentToken = `token-${++s.tokensIssued}`
          isExpired = false
        }
        return answer(res, { access_token: currentToken, expires_in: 7200 })
      }
      const token = url.searchParams.get('access_token')
      if (!token || token !== currentToken) return answer(res, { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' })
      if (isExpired) return answer(res, { errcode: 42001, errmsg: 'access_token expired' })
      const queued = failures.get(path)?.shift()
      if (queued) return answer(res, queued)
      const drop = drops.get(path)?.shift()
      if (drop && !drop.isPerformed) return void res.socket?.destroy()
      const hold = holds.get(path)?.shift()
      answer = drop
        ? () => void res.socket?.destroy()
        : hold ? (r, body) => { hold.arrive(); void hold.released.then(() => send(r, body)) } : send
      switch (path) {
        case '/cgi-bin/material/add_material': {
          if (url.searchParams.get('type') !== 'thumb' || !raw.includes('name="media"')) return answer(res, { errcode: 40004, errmsg: 'invalid media type' })
          s.thumbs++
          return answer(res, { media_id: `thumb-${++sequence}`, url: `http://mmbiz.qpic.cn/thumb/${sequence}` })
        }
        case '/cgi-bin/media/uploadimg': {
          if (!raw.includes('name="media"')) return answer(res, { errcode: 40005, errmsg: 'invalid file type' })
          s.images++
          return answer(res, { url: `http://mmbiz.qpic.cn/mmbiz_jpg/${++sequence}/0` })
        }
        case '/cgi-bin/draft/add': {
          const article = (json().articles as Array<Record<string, unknown>>)?.[0]
          if (!article?.title || !article.content || !String(article.thumb_media_id ?? '').startsWith('thumb-')) return answer(res, { errcode: 40007, errmsg: 'invalid media_id' })
          const mediaId = `draft-${++sequence}`
          s.drafts.push({ mediaId, article })
          return answer(res, { media_id: mediaId })
        }
        case '/cgi-bin/freepublish/submit': {
          const mediaId = String(json().media_id ?? '')
          if (!s.drafts.some((d) => d.mediaId === mediaId)) return answer(res, { errcode: 40007, errmsg: 'invalid media_id' })
          const publishId = String(2247500000 + ++sequence)
          s.jobs.set(publishId, { mediaId, status: 1 })
          s.submits++
          return answer(res, { errcode: 0, errmsg: 'ok', publish_id: publishId, msg_data_id: sequence })
        }
        case '/cgi-bin/freepublish/get': {
          const publishId = String(json().publish_id ?? '')
          const job = s.jobs.get(publishId)
          if (!job) return answer(res, { errcode: 40007, errmsg: 'invalid publish_id' })
          if (job.status === 0) return answer(res, { publish_id: publishId, publish_status: 0, article_id: job.articleId, article_detail: { count: 1, item: [{ idx: 1, article_url: job.url }] }, fail_idx: [] })
          return answer(res, { publish_id: publishId, publish_status: job.status, fail_idx: job.status === 2 || job.status === 4 ? [1] : [] })
        }
        case '/cgi-bin/freepublish/batchget': {
          const body = json()
          const offset = Number(body.offset)
          const count = Number(body.count)
          if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(count) || count < 1 || count > 20) return answer(res, { errcode: 40097, errmsg: 'invalid args' })
          const published = [...s.jobs.values()].filter((j) => j.status === 0).sort((a, b) => b.updateTime! - a.updateTime!)
          const item = published.slice(offset, offset + count).map((j) => {
            const article = s.drafts.find((d) => d.mediaId === j.mediaId)!.article
            const news: Record<string, unknown> = {
              title: article.title, author: article.author, digest: article.digest, content: article.content, content_source_url: article.content_source_url,
              thumb_media_id: article.thumb_media_id, thumb_url: `http://mmbiz.qpic.cn/thumb/${String(article.thumb_media_id).slice(6)}`,
              need_open_comment: article.need_open_comment ?? 0, only_fans_can_comment: article.only_fans_can_comment ?? 0, url: j.url, is_deleted: Boolean(j.isDeleted),
            }
            // no_content 1 leaves the article body out (the field the documentation is about).
            if (Number(body.no_content) === 1) delete news.content
            return { article_id: j.articleId, content: { news_item: [news] }, update_time: j.updateTime }
          })
          return answer(res, { total_count: published.length, item_count: item.length, item })
        }
        case '/cgi-bin/freepublish/delete': {
          const body = json()
          const job = [...s.jobs.values()].find((j) => j.articleId === body.article_id)
          if (!job) return answer(res, { errcode: 40007, errmsg: 'invalid article_id' })
          job.isDeleted = true
          s.deleted.push({ articleId: String(body.article_id), index: Number(body.index) })
          return answer(res, { errcode: 0, errmsg: 'ok' })
        }
        default:
          return answer(res, { errcode: 48001, errmsg: 'api unauthorized' })
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  s.apiBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  s.failNext = (path, errcode, errmsg = 'error') => failures.set(path, [...(failures.get(path) ?? []), { errcode, errmsg }])
  s.dropNext = (path, { isPerformed }) => drops.set(path, [...(drops.get(path) ?? []), { isPerformed }])
  s.holdNext = (path) => {
    let arrive!: () => void
    let release!: () => void
    const arrived = new Promise<void>((resolve) => { arrive = resolve })
    const released = new Promise<void>((resolve) => { release = resolve })
    holds.set(path, [...(holds.get(path) ?? []), { arrive, released }])
    return { arrived, release }
  }
  s.expireToken = () => { isExpired = true }
  s.finish = (publishId, status) => {
    const job = s.jobs.get(publishId)!
    job.status = status
    job.articleId = `article-${publishId}`
    job.url = `https://mp.weixin.qq.com/s/${publishId}`
    job.updateTime = Math.floor(Date.now() / 1000)
    return { articleId: job.articleId, url: job.url }
  }
  s.close = () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) })
  return s
}

/** The PUBLISHJOBFINISH event as WeChat pushes it, and the signed query string for `token`. */
export function publishJobFinishPush({ token, publishId, status, articleId, url }: { token: string; publishId: string; status: number; articleId?: string; url?: string }) {
  const timestamp = String(Math.floor(Date.now() / 1000))
  const nonce = crypto.randomBytes(6).toString('hex')
  const signature = crypto.createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex')
  const detail = status === 0 ? `<article_id><![CDATA[${articleId}]]></article_id><article_detail><count>1</count><item><idx>1</idx><article_url><![CDATA[${url}]]></article_url></item></article_detail>` : '<fail_idx>1</fail_idx>'
  const xml = `<xml><ToUserName><![CDATA[gh_4d00ed8d6399]]></ToUserName><FromUserName><![CDATA[mphelper]]></FromUserName><CreateTime>${timestamp}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[PUBLISHJOBFINISH]]></Event><PublishEventInfo><publish_id>${publishId}</publish_id><publish_status>${status}</publish_status>${detail}</PublishEventInfo></xml>`
  return { query: `signature=${signature}&timestamp=${timestamp}&nonce=${nonce}`, xml }
}
