import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import type { TLSSocket } from 'node:tls'
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifyServerFactory } from 'fastify'
import { Counter } from 'prom-client'
import { sitePageCache } from './site.cache.js'
import { ELDER_COOKIE, isElderMode, isNotModified, knownPublicCenter } from './site.layout.js'

/**
 * The public site's fast path: a page the site has already drawn is answered straight from Node's
 * `request` event, before Fastify builds its request and reply and runs the shared pipeline
 * (helmet, cookie parsing, the auth/tenant hook, the duration histogram, request logging). On a
 * cache hit that pipeline, not the page, was the whole cost.
 *
 * How it stays exact: the normal path fills it. When the site plugin sends a 200 GET page, its
 * onSend hook keeps the body and every header the pipeline set (helmet's included), keyed by
 * everything the page may depend on (URL, Host and forwarded host/proto, TLS, 适老化 cookie).
 * A hit replays those bytes and headers with a fresh x-request-id; If-None-Match /
 * If-Modified-Since give a 304 by the same rule as `sendPage`; HEAD gets the headers only.
 *
 * How it stays fresh: an entry carries the center's site revision known *before* the normal path
 * drew the page, and is served only while the page cache holds that revision as fresh (read
 * less than a second ago) and the center is still known enabled. A publication in this process
 * invalidates the page cache, so the next request takes the normal path; one made by another
 * process shows within the revision TTL, exactly as for the page cache.
 *
 * Logging: hits write no per-request log line at the default level (the reverse proxy in front
 * keeps the access log, as nginx would; two pino lines per hit would cost more than the hit).
 * They are counted in `rongmei_site_fast_path_hits_total`, and logged at debug level.
 */

interface FastPage {
  centerId: string
  slug: string
  revision: string
  body: Buffer
  /** Flat [name, value, …] as the normal path sent them, without x-request-id and content-length. */
  headers: string[]
  etag: string
  lastModified: Date | null
  bytes: number
}

/** Bounded by bytes like the page cache; oldest insertions go first. */
const MAX_BYTES = 64 * 1024 * 1024
/** Headers that differ per request or that the fast path writes itself. */
const PER_REQUEST = new Set(['x-request-id', 'content-length', 'date', 'connection', 'keep-alive', 'transfer-encoding'])

class FastPageStore {
  private readonly pages = new Map<string, FastPage>()
  private bytes = 0

  constructor(private readonly maxBytes = MAX_BYTES) {}

  get(key: string): FastPage | undefined {
    return this.pages.get(key)
  }

  set(key: string, page: FastPage): void {
    if (page.bytes > this.maxBytes / 16) return
    const old = this.pages.get(key)
    if (old) { this.bytes -= old.bytes; this.pages.delete(key) }
    this.pages.set(key, page)
    this.bytes += page.bytes
    for (const [oldest, entry] of this.pages) {
      if (this.bytes <= this.maxBytes) break
      this.pages.delete(oldest)
      this.bytes -= entry.bytes
    }
  }

  get size(): number {
    return this.pages.size
  }
}

/** The one store of this process, beside the page cache it mirrors. */
const store = new FastPageStore()

const SITE_PAGE = /^\/s\/([a-z0-9][a-z0-9-]{0,62})\//
/** The page cache does not keep longer URLs either. */
const MAX_URL = 600

type CookieParser = (header: string) => Record<string, string | undefined>

function headerText(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(',') : (value ?? '')
}

/**
 * Everything the normal path may read from the request to draw a page: the URL, the origin's
 * inputs (Host, and X-Forwarded-Host/-Proto, which count when trustProxy is on: keeping them in
 * the key either way is finer, never wrong) and 适老化 mode.
 */
function keyOf(req: IncomingMessage, isElder: boolean): string {
  const h = req.headers
  const isTls = (req.socket as TLSSocket).encrypted === true
  return `${req.url}\u0000${h.host ?? ''}\u0000${headerText(h['x-forwarded-host'])}\u0000${headerText(h['x-forwarded-proto'])}\u0000${isTls ? 1 : 0}${isElder ? 1 : 0}`
}

function isElderRequest(req: IncomingMessage, parseCookie: CookieParser): boolean {
  const header = req.headers.cookie
  return header ? parseCookie(header)[ELDER_COOKIE] === '1' : false
}

/** The revision each page request started at, for the onSend hook (a WeakMap: nothing to clean up). */
const startedAt = new WeakMap<IncomingMessage, { centerId: string; slug: string; revision: string }>()

/**
 * onRequest hook of the site plugin: notes the center's revision before the page is drawn. The
 * page then shows that revision or a newer one, so tagging it with this one can only make it
 * expire early, never serve it stale.
 */
export function noteSiteRevision(request: FastifyRequest): void {
  if (request.method !== 'GET') return
  const slug = SITE_PAGE.exec(request.url)?.[1]
  const center = slug ? knownPublicCenter(slug) : undefined
  const revision = center ? sitePageCache.freshRevision(center.id) : undefined
  if (center && revision !== undefined) startedAt.set(request.raw, { centerId: center.id, slug: center.slug, revision })
}

/**
 * onSend hook of the site plugin: keeps a 200 GET page (the HTML, a feed, the sitemap) with the
 * headers the pipeline gave it. Responses that set a cookie or may not be stored are not kept.
 */
export function rememberSitePage(request: FastifyRequest, reply: FastifyReply, payload: unknown): void {
  const started = startedAt.get(request.raw)
  if (!started || reply.statusCode !== 200 || typeof payload !== 'string' || request.url.length > MAX_URL) return
  const sent = reply.getHeaders()
  const etag = sent.etag
  const cacheControl = String(sent['cache-control'] ?? '')
  if (typeof etag !== 'string' || sent['set-cookie'] !== undefined || /no-store|private/.test(cacheControl)) return
  const headers: string[] = []
  for (const [name, value] of Object.entries(sent)) {
    if (value === undefined || PER_REQUEST.has(name)) continue
    if (Array.isArray(value)) for (const v of value) headers.push(name, v)
    else headers.push(name, String(value))
  }
  const body = Buffer.from(payload)
  const lastModified = typeof sent['last-modified'] === 'string' ? new Date(sent['last-modified']) : null
  // The cookie plugin parsed the same header with the same parser the fast path uses.
  store.set(keyOf(request.raw, isElderMode(request)), {
    ...started, body, headers, etag, lastModified, bytes: body.length + headers.join('').length * 2,
  })
}

export interface SiteFastPath {
  /** Fastify's `serverFactory`: the HTTP server whose request handler tries the fast path first. */
  serverFactory: FastifyServerFactory
  /** Connects the built app: its cookie parser, logger and metrics registry. Until then every request takes the normal path. */
  attach(app: FastifyInstance): void
  /** Answers the request from a kept page; false when the normal path must answer it. */
  handle(req: IncomingMessage, res: ServerResponse): boolean
}

/**
 * Creates the fast path for one app.
 * @example const fastPath = createSiteFastPath({ genReqId }); Fastify({ serverFactory: fastPath.serverFactory })
 */
export function createSiteFastPath({ genReqId }: { genReqId: (req: IncomingMessage) => string }): SiteFastPath {
  let app: FastifyInstance | null = null
  let parseCookie: CookieParser = () => ({})
  let isLoggingHits = false
  const hits = new Counter({
    name: 'rongmei_site_fast_path_hits_total',
    help: 'Public site pages answered from the page cache before the framework pipeline (200, HEAD and 304)',
    registers: [],
  })

  function handle(req: IncomingMessage, res: ServerResponse): boolean {
    if (!app || store.size === 0 || (req.method !== 'GET' && req.method !== 'HEAD')) return false
    const url = req.url
    if (!url || !url.startsWith('/s/') || url.length > MAX_URL) return false
    // A request with a body is left to the framework, which knows how to read or refuse it.
    if (req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] ?? '0') !== '0') return false
    const page = store.get(keyOf(req, isElderRequest(req, parseCookie)))
    if (!page) return false
    const now = Date.now()
    if (sitePageCache.freshRevision(page.centerId, now) !== page.revision) return false
    if (knownPublicCenter(page.slug, now)?.id !== page.centerId) return false

    const requestId = genReqId(req)
    const headers = page.headers.concat('x-request-id', requestId)
    let status = 200
    if (isNotModified(req.headers, page.etag, page.lastModified)) {
      status = 304
      res.writeHead(304, headers)
      res.end()
    } else {
      headers.push('content-length', String(page.body.length))
      res.writeHead(200, headers)
      if (req.method === 'HEAD') res.end()
      else res.end(page.body)
    }
    hits.inc()
    if (isLoggingHits) app.log.debug({ reqId: requestId, method: req.method, url, status }, 'site page from the fast path')
    return true
  }

  const serverFactory: FastifyServerFactory = (handler, options) => {
    // The same server Fastify would create for plain HTTP, with its timeouts.
    const o = options as { http?: http.ServerOptions | null; keepAliveTimeout?: number; requestTimeout?: number; connectionTimeout?: number; maxRequestsPerSocket?: number }
    const server = http.createServer(o.http ?? {}, (req, res) => {
      let isAnswered = false
      try {
        isAnswered = handle(req, res)
      } catch (error) {
        // Whatever went wrong here, the normal path can still answer (and log) the request.
        app?.log.error({ err: error }, 'site fast path failed')
        isAnswered = res.headersSent
        if (isAnswered) res.destroy()
      }
      if (!isAnswered) handler(req, res)
    })
    if (o.keepAliveTimeout) server.keepAliveTimeout = o.keepAliveTimeout
    if (o.requestTimeout) server.requestTimeout = o.requestTimeout
    if (o.connectionTimeout) server.setTimeout(o.connectionTimeout)
    if (o.maxRequestsPerSocket) server.maxRequestsPerSocket = o.maxRequestsPerSocket
    return server
  }

  return {
    serverFactory,
    handle,
    attach(built) {
      built.metrics.registerMetric(hits)
      parseCookie = (header) => built.parseCookie(header)
      isLoggingHits = built.log.level === 'debug' || built.log.level === 'trace'
      app = built
    },
  }
}
