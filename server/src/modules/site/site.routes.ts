import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../app.js'
import { inScope, systemScope } from '../../db/scope.js'
import { AppError } from '../../kernel/errors.js'
import {
  ELDER_COOKIE, etagOf, isElderMode, renderErrorPage, resolvePublicCenter, siteCsp, sitePageErrorHandler,
} from './site.layout.js'
import { noteSiteRevision, rememberSitePage } from './site.fastpath.js'
import { sitePageRoutes } from './site.pages.js'

const assetsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'assets')
const ASSET_TYPES: Record<string, string> = { '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8' }
const ONE_YEAR_SECONDS = 365 * 24 * 3600

interface StaticFile { body: Buffer; type: string; etag: string }

/** The shell's static files, read once: they are a few kilobytes and never change while running. */
function loadAssets(): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>()
  for (const name of fs.readdirSync(assetsDir)) {
    const type = ASSET_TYPES[path.extname(name)]
    if (!type) continue
    const body = fs.readFileSync(path.join(assetsDir, name))
    files.set(name, { body, type, etag: etagOf(body.toString('utf8')) })
  }
  return files
}

/**
 * Where the 适老化 switch may send the reader back to: only a path of this center's site (no
 * open redirect: no scheme, no `//host`, no backslash tricks), otherwise the center's home.
 */
export function safeBackPath(slug: string, back: unknown): string {
  const home = `/s/${slug}/`
  if (typeof back !== 'string' || back.length > 500) return home
  if (!back.startsWith(home) || /[\\\r\n\t]/.test(back) || back.includes('//')) return home
  return back
}

/**
 * The public site under `/s/`: static files of the shell, the 适老化 switch, the pages (home,
 * columns, stories, tags, search, feeds, sitemap) and Chinese error pages for everything under /s/.
 */
export async function siteRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const { db } = deps
  const assets = loadAssets()

  await app.register(async (site) => {
    site.setErrorHandler(sitePageErrorHandler(db))
    // Pages sent here fill the fast path (site.fastpath.ts), which answers repeat requests before the framework.
    site.addHook('onRequest', async (request) => noteSiteRevision(request))
    site.addHook('onSend', async (request, reply, payload) => {
      rememberSitePage(request, reply, payload)
      return payload
    })
    site.setNotFoundHandler(async (request, reply) => {
      const slug = /^\/s\/([^/?#]+)/.exec(request.url)?.[1]
      const center = slug ? await resolvePublicCenter(db, slug).catch(() => null) : null
      const html = renderErrorPage({ center, status: 404, path: request.url, elder: isElderMode(request) })
      return reply.status(404).header('content-security-policy', siteCsp).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html)
    })

    site.get<{ Params: { file: string } }>('/_assets/:file', { schema: { hide: true } }, async (request, reply) => {
      const file = assets.get(request.params.file)
      if (!file) throw new AppError('NOT_FOUND', 'no such file')
      reply.header('content-type', file.type).header('etag', file.etag)
      // Pages link these with ?v=…, so a year of caching stays correct across releases.
      reply.header('cache-control', `public, max-age=${ONE_YEAR_SECONDS}, immutable`)
      reply.header('x-content-type-options', 'nosniff')
      if (request.headers['if-none-match'] === file.etag) return reply.status(304).send()
      return reply.send(file.body)
    })

    site.get<{ Params: { center: string }; Querystring: { on?: string; back?: string } }>('/:center/elder', {
      schema: { hide: true },
    }, async (request, reply) => {
      const center = await resolvePublicCenter(db, request.params.center)
      const isOn = request.query.on === '1'
      reply.setCookie(ELDER_COOKIE, isOn ? '1' : '0', {
        path: '/s/', maxAge: ONE_YEAR_SECONDS, httpOnly: true, sameSite: 'lax', secure: deps.config.cookieSecure,
      })
      reply.header('cache-control', 'no-store')
      return reply.redirect(safeBackPath(center.slug, request.query.back), 303)
    })

    await site.register(sitePageRoutes, deps)
  }, { prefix: '/s' })

  // Crawlers read robots.txt only at the root: it names every center's sitemap (bounded).
  app.get('/robots.txt', { schema: { hide: true } }, async (request, reply) => {
    const centers = await inScope(db, systemScope, (trx) => trx.selectFrom('tenants').select('slug')
      .where('kind', '=', 'center').where('is_disabled', '=', false).orderBy('slug').limit(1000).execute())
    const origin = `${request.protocol}://${/^[a-z0-9.-]+(?::\d{1,5})?$/i.test(request.host) ? request.host : 'localhost'}`
    const body = ['User-agent: *', 'Allow: /s/', 'Disallow: /api/', 'Disallow: /console/', ...centers.map((c) => `Disallow: /s/${c.slug}/search`), '',
      ...centers.map((c) => `Sitemap: ${origin}/s/${c.slug}/sitemap.xml`), ''].join('\n')
    return reply.type('text/plain; charset=utf-8').header('cache-control', 'public, max-age=3600').send(body)
  })
}
