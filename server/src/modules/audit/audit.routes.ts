import { Readable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../app.js'
import { problemResponses } from '../../kernel/openapi.js'
import { AuditCsvReply, AuditExportQuery, AuditPage, AuditQuery, AuditVerifyReply } from './audit.schema.js'
import { createAuditService } from './audit.service.js'

/** The audit log, read-only: there is no route that changes or deletes an entry. */
export async function auditRoutes(app: FastifyInstance, { db }: AppDeps): Promise<void> {
  const audit = createAuditService({ db })

  app.get<{ Querystring: AuditQuery }>('/audit', {
    schema: {
      tags: ['audit'], summary: '审计日志（新的在前）', querystring: AuditQuery,
      response: { 200: AuditPage, ...problemResponses(400, 401, 403, 404) },
    },
    config: { access: 'audit.read' },
  }, async (request) => {
    const { limit, cursor, ...query } = request.query
    return audit.list({ actor: request.actor!, tenant: request.tenant, query, limit, cursor })
  })

  app.get<{ Querystring: AuditExportQuery }>('/audit/export.csv', {
    schema: {
      tags: ['audit'], summary: '导出审计日志（CSV，导出本身记入审计）', querystring: AuditExportQuery,
      response: { 200: AuditCsvReply, ...problemResponses(400, 401, 403, 404) },
    },
    config: { access: 'audit.export' },
  }, async (request, reply) => {
    const { filename, lines } = await audit.exportCsv({ actor: request.actor!, tenant: request.tenant, query: request.query, audit: request.auditContext })
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${filename}"`)
      .header('cache-control', 'no-store')
      .send(Readable.from(lines))
  })

  app.get('/audit/verify', {
    schema: { tags: ['audit'], summary: '校验审计日志哈希链', response: { 200: AuditVerifyReply, ...problemResponses(401, 403) } },
    config: { access: 'audit.read' },
  }, async (request) => audit.verify({ actor: request.actor!, tenant: request.tenant }))
}
