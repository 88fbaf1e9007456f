import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import multipart from '@fastify/multipart'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { AppDeps } from '../../app.js'
import { AppError } from '../../kernel/errors.js'
import { createTicketUploads, TICKET_UPLOAD_MAX_BYTES } from '../assets/ticket-attachments.js'
import { createFaqService } from '../faq/faq.service.js'
import { etagOf, sendPage, siteCsp, sitePageErrorHandler, type SiteCenter } from '../site/site.layout.js'
import type * as catalogue from './catalogue.store.js'
import { createIntakeService } from './tickets.intake.js'
import { formLimits, kindNames, ticketKinds } from './tickets.model.js'
import { createTicketQueries } from './tickets.queries.js'
import { createRepliesService } from './tickets.replies.js'
import { registerFormPages } from './tickets.site.form.js'
import { registerListPages } from './tickets.site.list.js'
import { registerLookupPages } from './tickets.site.lookup.js'
import { setAssetsVersion, type FormFacts } from './tickets.site.shared.js'

/**
 * The citizens' pages of 留言办理 on the public site, drawn in the site's shell: the form
 * (`/s/<c>/tickets/new`), the lookup page (`/s/<c>/tickets/lookup`, Contract), the public list of
 * answered messages (`/s/<c>/tickets`) and one answered message (`/s/<c>/tickets/<number>`).
 *
 * Everything works without JavaScript (plain form posts; pictures go up with the form as
 * multipart), under the site's strict CSP. A small script (`/s/_tickets/tickets.js`) adds a
 * character counter, FAQ suggestions as one types and a copy button; for the suggestions the
 * form page allows `connect-src 'self'` on top of the site's policy.
 *
 * This plugin sets up what all of them share (multipart, static assets, caching and CSP headers,
 * the error page); the page groups live in tickets.site.form.ts, tickets.site.lookup.ts and
 * tickets.site.list.ts, their shared pieces in tickets.site.shared.ts.
 */

const assetsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'public-assets')
const STATIC_TYPES: Record<string, string> = { '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8' }
const formCsp = `${siteCsp}; connect-src 'self'`

export async function ticketSiteRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const { db, config } = deps
  const intake = createIntakeService({ db })
  const queries = createTicketQueries({ db })
  const answers = createRepliesService({ db })
  const faq = createFaqService({ db })
  const uploads = createTicketUploads({ db, config })
  const statics = new Map<string, { body: Buffer; type: string; etag: string }>()
  for (const name of fs.readdirSync(assetsDir)) {
    const type = STATIC_TYPES[path.extname(name)]
    if (!type) continue
    const body = fs.readFileSync(path.join(assetsDir, name))
    statics.set(name, { body, type, etag: etagOf(body.toString('utf8')) })
  }
  setAssetsVersion(etagOf([...statics.values()].map((f) => f.etag).join('')).slice(1, 9))
  const writeLimit = { max: config.publicRateLimitPerMinute, timeWindow: '1 minute' }
  const readLimit = { max: config.publicRateLimitPerMinute * 12, timeWindow: '1 minute' }

  await app.register(async (site) => {
    site.setErrorHandler(sitePageErrorHandler(db))
    await site.register(multipart, {
      // An oversized picture is cut at limit + 1 byte, which the receiver refuses by itself; the
      // rest of the form still arrives, so the page can say which picture and keep the other fields.
      throwFileSizeLimit: false,
      limits: { fileSize: TICKET_UPLOAD_MAX_BYTES + 1, files: formLimits.attachmentsMax + 1, fields: 40, fieldSize: 10_000, parts: 60, headerPairs: 100 },
    })
    site.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 20_000 }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))))
    })

    site.get<{ Params: { file: string } }>('/s/_tickets/:file', { schema: { hide: true } }, async (request, reply) => {
      const file = statics.get(request.params.file)
      if (!file) throw new AppError('NOT_FOUND', 'no such file')
      reply.header('content-type', file.type).header('etag', file.etag).header('x-content-type-options', 'nosniff')
      reply.header('cache-control', 'public, max-age=31536000, immutable')
      if (request.headers['if-none-match'] === file.etag) return reply.status(304).send()
      return reply.send(file.body)
    })

    async function formFacts(center: SiteCenter): Promise<FormFacts & { row: catalogue.CenterRow }> {
      const row = await intake.resolveCenter(center.slug)
      const { services, settings } = await intake.formOf(row)
      return {
        row,
        kinds: ticketKinds.map((k) => ({ code: k, name: kindNames[k], days: settings.clocks[k].final })),
        categories: services.map((s) => ({ code: s.code, name: s.name, description: s.description, group: s.group_name })),
        consentText: settings.consentText, isPhoneVerificationRequired: settings.isPhoneVerificationRequired,
      }
    }

    /** A page for one visitor (see the onSend hook below: no-store); never answered with 304. */
    function sendForm(reply: FastifyReply, html: string, status = 200): FastifyReply {
      delete reply.request.headers['if-none-match']
      delete reply.request.headers['if-modified-since']
      return sendPage(reply, html, { status, maxAgeSeconds: 0 })
    }

    site.addHook('onSend', async (request, reply, payload) => {
      const isForm = /^\/s\/[^/]+\/tickets\/(new|lookup)/.test(request.url)
      // The form page may call the FAQ suggestion API from its script.
      if (isForm && reply.getHeader('content-security-policy') === siteCsp) reply.header('content-security-policy', formCsp)
      // Posted pages carry what one citizen entered or may see (values, lookup code, the case): never stored anywhere.
      if (isForm || request.method === 'POST') {
        reply.header('cache-control', 'no-store')
        reply.removeHeader('etag')
      }
      return payload
    })

    const pages = { db, intake, queries, answers, faq, uploads, readLimit, writeLimit, formFacts, sendForm }
    registerFormPages(site, pages)
    registerLookupPages(site, pages)
    registerListPages(site, pages)
  })
}
