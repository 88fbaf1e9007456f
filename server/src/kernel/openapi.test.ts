import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../test/harness.js'

interface Operation { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }

/** `/api/v1/users/:id` as OpenAPI writes it: `/api/v1/users/{id}`. */
function openApiPath(url: string): string {
  return url.replace(/:(\w+)/g, '{$1}')
}

describe('OpenAPI', { timeout: 30_000 }, () => {
  let t: TestApp
  let doc: { openapi: string; paths: Record<string, Record<string, Operation>> }
  beforeAll(async () => {
    t = await buildTestApp({ isSeeded: false })
    const res = await t.app.inject({ method: 'GET', url: '/api/docs/json' })
    expect(res.statusCode).toBe(200)
    doc = res.json()
  }, 60_000)
  afterAll(async () => { await t.close() }, 60_000)

  it('serves an OpenAPI 3 document', () => {
    expect(doc.openapi).toMatch(/^3\./)
  })

  it('lists every /api/v1 route, each with a response schema for its success status', () => {
    const routes = t.app.routeTable.filter((r) => r.url.startsWith('/api/v1') && r.method !== 'HEAD')
    expect(routes.length).toBeGreaterThan(10)
    const problems: string[] = []
    for (const route of routes) {
      const operation = doc.paths[openApiPath(route.url)]?.[route.method.toLowerCase()]
      if (!operation) { problems.push(`${route.method} ${route.url} is missing`); continue }
      const success = Object.entries(operation.responses ?? {}).filter(([status]) => /^2\d\d$/.test(status))
      if (success.length === 0) { problems.push(`${route.method} ${route.url} declares no success response`); continue }
      for (const [status, response] of success) {
        const isEmpty = status === '204'
        const hasSchema = Object.values(response.content ?? {}).some((c) => c.schema !== undefined)
        if (!isEmpty && !hasSchema) problems.push(`${route.method} ${route.url} ${status} has no response schema`)
      }
    }
    expect(problems).toEqual([])
  })

  it('documents the audit export as CSV and the contract routes by their paths', () => {
    expect(Object.keys(doc.paths['/api/v1/audit/export.csv'].get.responses!['200'].content!)).toEqual(['text/csv'])
    for (const path of ['/api/v1/auth/login', '/api/v1/me', '/api/v1/audit', '/api/v1/audit/verify']) expect(doc.paths).toHaveProperty([path])
  })

  it('serves the documentation UI at /api/docs', async () => {
    let res = await t.app.inject({ method: 'GET', url: '/api/docs' })
    if (res.statusCode >= 300 && res.statusCode < 400) {
      res = await t.app.inject({ method: 'GET', url: new URL(res.headers.location as string, 'http://localhost/api/docs/').pathname })
    }
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain('text/html')
    expect(res.body).toContain('swagger-ui')
  })
})
