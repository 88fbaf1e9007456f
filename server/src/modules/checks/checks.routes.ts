import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../app.js'
import { problemResponses } from '../../kernel/openapi.js'
import {
  CheckInput, CheckResult, DiffQuery, MAX_HTML_LENGTH, MAX_TEXT_LENGTH, RuleList, RuleSetDiff, RuleSetVersionInput, RuleSetVersionView,
  RuleSetView, VersionParams,
} from './checks.schema.js'
import { createChecksService, type ChecksActing } from './checks.service.js'

const tags = ['checks']
// TypeBox gives the literal unions of category/severity as never; the service validates them again.
type SaveInput = Parameters<ReturnType<typeof createChecksService>['saveVersion']>[1]

const actingOf = (request: { actor?: ChecksActing['actor'] | null; tenant?: ChecksActing['tenant'] | null; auditContext: ChecksActing['audit'] }): ChecksActing =>
  ({ actor: request.actor!, tenant: request.tenant!, audit: request.auditContext })

/**
 * POST /checks (check text with the tenant's rule set), GET /checks/rules (the rules, built-in and
 * own), and the tenant's rule-set versions under /checks/rule-set (read: story.read; save:
 * story.rules.manage).
 */
export async function checksRoutes(app: FastifyInstance, { db }: AppDeps) {
  const checks = createChecksService({ db })

  app.post<{ Body: CheckInput }>('/checks', {
    schema: {
      tags, summary: '内容审校检查',
      description: '用本机构生效的审校规则检查纯文本（禁用词、慎用词、职务与机构名称、涉港澳台、错别字、个人信息、广告用语、链接等）。start/end 为 UTF-16 码元偏移。给出 html 时另查图片的图说与署名。',
      body: CheckInput, response: { 200: CheckResult, ...problemResponses(400, 401, 403, 413) },
    },
    // Room for the longest text even if every character arrives as a \uXXXX\uXXXX escape.
    bodyLimit: MAX_TEXT_LENGTH * 12 + MAX_HTML_LENGTH * 6 + 4096,
    config: { access: 'story.read' },
  }, async (request) => {
    const { text, html, isGovernmentAccount } = request.body
    const result = await checks.check({ tenant: request.tenant!, text, html, isGovernmentAccount })
    return { ruleSetVersion: result.ruleSetVersion, isGovernmentAccount: result.isGovernmentAccount, hits: [...result.hits, ...result.imageHits] }
  })

  app.get('/checks/rules', {
    schema: { tags, summary: '审校规则列表（内置规则含已停用的，及本机构自定义规则）', response: { 200: RuleList, ...problemResponses(401, 403) } },
    config: { access: 'story.read' },
  }, async (request) => checks.listRules(actingOf(request)))

  app.get('/checks/rule-set', {
    schema: {
      tags, summary: '本机构生效的审校规则版本及修改历史',
      description: '没有自己版本的机构沿用上级机构的（单位沿用所属中心的）；owner.isInherited 为 true。',
      response: { 200: RuleSetView, ...problemResponses(401, 403) },
    },
    config: { access: 'story.read' },
  }, async (request) => checks.getRuleSet(actingOf(request)))

  app.post<{ Body: RuleSetVersionInput }>('/checks/rule-set/versions', {
    schema: {
      tags, summary: '保存审校规则的新版本（立即生效）',
      description: '每次保存生成不可修改的新版本并记入审计日志。expectedVersion 不是最新版本时返回 409。',
      body: RuleSetVersionInput, response: { 201: RuleSetVersionView, ...problemResponses(400, 401, 403, 409) },
    },
    config: { access: 'story.rules.manage' },
  }, async (request, reply) => reply.status(201).send(await checks.saveVersion(actingOf(request), request.body as SaveInput)))

  app.get<{ Params: VersionParams }>('/checks/rule-set/versions/:version', {
    schema: { tags, summary: '本机构审校规则的某一版本', params: VersionParams, response: { 200: RuleSetVersionView, ...problemResponses(400, 401, 403, 404) } },
    config: { access: 'story.read' },
  }, async (request) => checks.getVersion(actingOf(request), request.params.version))

  app.get<{ Querystring: DiffQuery }>('/checks/rule-set/diff', {
    schema: { tags, summary: '比较本机构审校规则的两个版本（0 表示只用内置规则）', querystring: DiffQuery, response: { 200: RuleSetDiff, ...problemResponses(400, 401, 403, 404) } },
    config: { access: 'story.read' },
  }, async (request) => checks.diff(actingOf(request), request.query.from, request.query.to))
}
