import http from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A local Weibo open API (open.weibo.com 微博API): statuses/share.json (multipart; `status` must
 * hold a link under the app's safe domain and be at most 140 characters as Weibo counts; one
 * `pic`), statuses/destroy.json, oauth2/get_token_info. Errors come as
 * `{ error, error_code, request }`; `rateLimitAfter` answers 10023 once that many posts were made.
 */
export interface WeiboServer {
  apiBase: string
  accessToken: string
  posts: Array<{ id: string; status: string; hasPic: boolean }>
  destroyed: string[]
  rateLimitAfter: number | null
  close(): Promise<void>
}

/** Weibo's count: CJK 1, half-width ½, a link as its 20-character short form; rounded up. */
function weiboCount(text: string): number {
  let halves = 0
  const rest = text.replace(/https?:\/\/[^\s\u3000-\u303f\uff00-\uffef]+/g, () => { halves += 20; return '' })
  for (const ch of rest) halves += ch.codePointAt(0)! <= 0xff ? 1 : 2
  return Math.ceil(halves / 2)
}

function field(raw: string, name: string): string | null {
  const m = raw.match(new RegExp(`name="${name}"(?:; filename="[^"]*")?\\r\\n(?:Content-Type: [^\\r]*\\r\\n)?\\r\\n([\\s\\S]*?)\\r\\n--`))
  return m ? m[1] : null
}

export async function startWeiboServer({ accessToken = '2.00weibo-token', safeDomain = 'localhost' } = {}): Promise<WeiboServer> {
  let sequence = 5000000000000000
  const s = { accessToken, posts: [], destroyed: [], rateLimitAfter: null } as unknown as WeiboServer
  const fail = (res: http.ServerResponse, status: number, code: number, error: string, request: string) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error, error_code: code, request }))
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname
      const raw = Buffer.concat(chunks).toString('latin1')
      const isMultipart = String(req.headers['content-type'] ?? '').startsWith('multipart/')
      const form = isMultipart ? null : new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
      const get = (name: string) => (form ? form.get(name) : (() => { const v = field(raw, name); return v === null ? null : Buffer.from(v, 'latin1').toString('utf8') })())
      if (get('access_token') !== accessToken) return fail(res, 400, 21332, 'invalid_access_token', path)
      if (path === '/oauth2/get_token_info') return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ uid: 1234567890, appkey: '123', expire_in: 86400 * 30 }))
      if (path === '/2/statuses/share.json') {
        if (s.rateLimitAfter !== null && s.posts.length >= s.rateLimitAfter) return fail(res, 403, 10023, 'User requests out of rate limit!', path)
        const status = get('status') ?? ''
        const links = [...status.matchAll(/https?:\/\/([^/\s:]+)/g)].map((m) => m[1])
        if (!links.some((h) => h === safeDomain || h.endsWith(`.${safeDomain}`))) return fail(res, 400, 10017, 'share url must be in safe domain', path)
        if (weiboCount(status) > 140) return fail(res, 400, 20012, 'Text too long, please input text less than 140 characters!', path)
        const id = String(++sequence)
        s.posts.push({ id, status, hasPic: raw.includes('name="pic"') })
        return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: Number(id), idstr: id, text: status, user: { id: 1234567890, idstr: '1234567890' } }))
      }
      if (path === '/2/statuses/destroy.json') {
        const id = get('id') ?? ''
        if (!s.posts.some((p) => p.id === id) || s.destroyed.includes(id)) return fail(res, 400, 20101, 'target weibo does not exist', path)
        s.destroyed.push(id)
        return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: Number(id), idstr: id }))
      }
      return fail(res, 404, 10014, 'Insufficient app permissions', path)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  s.apiBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  s.close = () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) })
  return s
}
