import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppDeps } from '../../app.js'
import { AppError } from '../../kernel/errors.js'
import { contentType, errorBody, listBody, splitFormat, xmlDocument, type Format, type XmlNode } from './open311.format.js'
import { formFromJson, formFromPairs } from './open311.input.js'
import { createOpen311Service } from './open311.service.js'

/** A urlencoded body as decoded pairs (attribute[code][] may repeat), kept apart from JSON bodies. */
class FormBody {
  constructor(readonly pairs: Array<[string, string]>) {}
}

const formats: Format[] = ['json', 'xml']

function formatOf(request: FastifyRequest): Format {
  return /\.xml(\?|$)/.test(request.url) ? 'xml' : 'json'
}

function send(reply: FastifyReply, format: Format, status: number, body: string): FastifyReply {
  return reply.status(status).type(contentType(format)).send(body)
}

/**
 * Open311 GeoReport v2 at /open311/v2/ (outside /api: no session, no CSRF). Reads are public as
 * the spec says; POST requests needs the jurisdiction's api_key (only its sha256 is stored).
 * Every route is rate limited per client IP (RONGMEI_OPEN311_RATE_LIMIT a minute), and errors take
 * the spec's form: a JSON array of {code, description} or XML <errors>, with 400, 403 or 404.
 */
export async function open311Routes(app: FastifyInstance, { db, config }: AppDeps): Promise<void> {
  const open311 = createOpen311Service({ db })
  await app.register(async (o) => {
    const rateLimit = { max: config.open311RateLimitPerMinute, timeWindow: '1 minute' }
    const schema = { hide: true }

    o.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => {
      done(null, new FormBody([...new URLSearchParams(body as string)]))
    })

    o.setErrorHandler(async (error: FastifyError | AppError, request, reply) => {
      const status = error instanceof AppError ? error.status : error.statusCode ?? 500
      const http = [403, 404, 429].includes(status) ? status : status >= 500 ? 500 : 400
      if (http === 500) request.log.error({ err: error }, 'open311 request failed')
      const description = http === 500 ? 'The service failed; try again later'
        : status === 429 ? 'Too many requests; try again later' : error.message
      return send(reply, formatOf(request), http, errorBody(formatOf(request), [{ code: status, description }]))
    })
    o.setNotFoundHandler(async (request, reply) => send(reply, formatOf(request), 404, errorBody(formatOf(request), [{ code: 404, description: `no resource ${request.url.split('?')[0]}` }])))

    const query = (request: FastifyRequest) => request.query as Record<string, string | undefined>

    for (const format of formats) {
      o.get(`/discovery.${format}`, { schema, config: { rateLimit } }, async (request, reply) => {
        const node = open311.discovery(`${request.protocol}://${request.host}/open311/v2`)
        return send(reply, format, 200, format === 'json' ? JSON.stringify(jsonOf(node)) : xmlDocument('discovery', node))
      })

      o.get(`/services.${format}`, { schema, config: { rateLimit } }, async (request, reply) => {
        const center = await open311.jurisdiction(query(request).jurisdiction_id)
        return send(reply, format, 200, listBody(format, 'services', 'service', await open311.services(center)))
      })

      o.get(`/requests.${format}`, { schema, config: { rateLimit } }, async (request, reply) => {
        const center = await open311.jurisdiction(query(request).jurisdiction_id)
        return send(reply, format, 200, listBody(format, 'service_requests', 'request', await open311.requests(center, query(request))))
      })

      o.post(`/requests.${format}`, { schema, config: { rateLimit } }, async (request, reply) => {
        const fromQuery = Object.entries(query(request)).filter((e): e is [string, string] => typeof e[1] === 'string')
        const body = request.body
        const form = body instanceof FormBody ? formFromPairs([...fromQuery, ...body.pairs]) : formFromJson({ ...Object.fromEntries(fromQuery), ...(body as object ?? {}) })
        const created = await open311.create(form, request.auditContext)
        return send(reply, format, 201, listBody(format, 'service_requests', 'request', created))
      })
    }

    /** `/services/{code}.{format}`, `/requests/{id}.{format}`, `/tokens/{token}.{format}`. */
    const resource = (path: string, handle: (request: FastifyRequest, id: string, format: Format) => Promise<string>) => {
      o.get<{ Params: { file: string } }>(`/${path}/:file`, { schema, config: { rateLimit } }, async (request, reply) => {
        const parts = splitFormat(request.params.file)
        if (!parts) throw new AppError('NOT_FOUND', 'ask for .json or .xml')
        return send(reply, parts[1], 200, await handle(request, parts[0], parts[1]))
      })
    }
    resource('services', async (request, code, format) => {
      const node = await open311.definition(await open311.jurisdiction(query(request).jurisdiction_id), code)
      return format === 'json' ? JSON.stringify(jsonOf(node)) : xmlDocument('service_definition', node)
    })
    resource('requests', async (request, id, format) => listBody(format, 'service_requests', 'request', await open311.request(await open311.jurisdiction(query(request).jurisdiction_id), id)))
    resource('tokens', async (request, token, format) => listBody(format, 'service_requests', 'request', await open311.token(await open311.jurisdiction(query(request).jurisdiction_id), token)))
  }, { prefix: '/open311/v2' })
}

/** The JSON form of an XML node: `[itemName, items]` lists become plain arrays. */
function jsonOf(value: unknown): unknown {
  if (Array.isArray(value)) return (value[1] as unknown[]).map(jsonOf)
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonOf(v)]))
  return value
}

export type { XmlNode }
