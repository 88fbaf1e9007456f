import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../app.js'
import { problemResponses } from '../../kernel/openapi.js'
import { CheckInput, CheckResult, MAX_TEXT_LENGTH, RuleList } from './checks.schema.js'
import { createChecksService } from './checks.service.js'

const tags = ['checks']

/** POST /checks (check text) and GET /checks/rules (the rule set), both story.read. */
export async function checksRoutes(app: FastifyInstance, _deps: AppDeps) {
  const checks = createChecksService()

  app.post<{ Body: CheckInput }>('/checks', {
    schema: {
      tags, summary: '内容审校检查',
      description: '对纯文本运行审校规则（禁用词、慎用词、职务与机构名称、涉港澳台、错别字、个人信息、广告用语、链接等）。start/end 为 UTF-16 码元偏移。',
      body: CheckInput, response: { 200: CheckResult, ...problemResponses(400, 401, 403, 413) },
    },
    // Room for the longest text even if every character arrives as a \uXXXX\uXXXX escape.
    bodyLimit: MAX_TEXT_LENGTH * 12 + 4096,
    config: { access: 'story.read' },
  }, async (request) => checks.check({ tenant: request.tenant!, text: request.body.text, isGovernmentAccount: request.body.isGovernmentAccount }))

  app.get('/checks/rules', {
    schema: { tags, summary: '审校规则列表', response: { 200: RuleList, ...problemResponses(401, 403) } },
    config: { access: 'story.read' },
  }, async () => checks.listRules())
}
