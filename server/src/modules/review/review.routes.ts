import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../app.js'
import { problemResponses } from '../../kernel/openapi.js'
import { createChecksService } from '../checks/checks.service.js'
import { registerReviewHooks } from '../stories/stories.service.js'
import { errataRoutes } from './errata.routes.js'
import { recordRoutes } from './record.routes.js'
import { reviewHooks } from './review.hooks.js'
import { actingOf } from './review.http.js'
import { createReviewQueries } from './review.queries.js'
import {
  ActReply, DecisionInput, OverrideInput, OverrideView, ProofreadInput, QueueList, QueueQuery, ReviewView, StoryIdParams, SubmitReply,
  WorkflowInput, WorkflowView,
} from './review.schema.js'
import { createReviewService } from './review.service.js'
import { createWorkflowService, type WorkflowState } from './review.workflow.js'

const tags = ['review']

function workflowView(w: WorkflowState) {
  return {
    stages: w.stages, restartPolicy: w.restartPolicy, proofreadRoundsRequired: w.proofreadRoundsRequired, isDefault: w.isDefault,
    updatedAt: w.updatedAt ? new Date(w.updatedAt).toISOString() : null, updatedBy: w.updatedBy,
  }
}

/**
 * 三审三校: the tenant's workflow, submission, decisions, 校对 rounds, check overrides, the
 * reviewer's view and queue, the signed record and 差错. Registers the hooks the stories module
 * calls (restart after an edit, the review side of a story's detail).
 */
export async function reviewRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  registerReviewHooks(reviewHooks)
  const { db } = deps
  const workflows = createWorkflowService({ db })
  const review = createReviewService({ db, checks: createChecksService({ db }) })
  const queries = createReviewQueries({ db })

  app.get('/review/workflow', {
    schema: { tags, summary: '本机构的审核流程（三审三校）', response: { 200: WorkflowView, ...problemResponses(401, 403) } },
    config: { access: 'story.read' },
  }, async (request) => workflowView(await workflows.get(actingOf(request))))

  app.put<{ Body: WorkflowInput }>('/review/workflow', {
    schema: {
      tags, summary: '设置审核流程：阶段（至少三级）、修改后重审规则、校对轮次',
      description: '已在审核中的稿件继续按提交时的流程审核。',
      body: WorkflowInput, response: { 200: WorkflowView, ...problemResponses(400, 401, 403) },
    },
    config: { access: 'story.rules.manage' },
  }, async (request) => workflowView(await workflows.update(actingOf(request), request.body)))

  app.post<{ Params: StoryIdParams }>('/stories/:id/submit', {
    schema: {
      tags, summary: '提交审核', description: '运行内容检查；有未放行的“必改”问题时返回 422 STORY_CHECKS_BLOCKED 并列出问题。',
      params: StoryIdParams, response: { 200: SubmitReply, ...problemResponses(400, 401, 403, 404, 409, 422) },
    },
    config: { access: 'story.read' },
  }, async (request) => review.submit(actingOf(request), request.params.id))

  app.post<{ Params: StoryIdParams; Body: DecisionInput }>('/stories/:id/decisions', {
    schema: {
      tags, summary: '审核决定：通过、退回修改或不予采用',
      description: '须持有当前阶段的权限；作者不能审核自己的稿件；同一人不能在同一稿件的两个级别操作。决定记录所审版本的哈希。',
      params: StoryIdParams, body: DecisionInput, response: { 200: ActReply, ...problemResponses(400, 401, 403, 404, 409) },
    },
    config: { access: 'story.read' },
  }, async (request) => review.decide(actingOf(request), request.params.id, request.body))

  app.post<{ Params: StoryIdParams; Body: ProofreadInput }>('/stories/:id/proofreads', {
    schema: {
      tags, summary: '记录一轮校对', description: '同一人不能连续校对两轮；作者不能校对自己的稿件。',
      params: StoryIdParams, body: ProofreadInput, response: { 200: ActReply, ...problemResponses(400, 401, 403, 404, 409) },
    },
    config: { access: 'story.proofread' },
  }, async (request) => review.proofread(actingOf(request), request.params.id, request.body))

  app.post<{ Params: StoryIdParams; Body: OverrideInput }>('/stories/:id/check-overrides', {
    schema: {
      tags, summary: '放行一处“必改”检查结果（须说明理由）', description: '只对当前版本有效；审核人员（初审、复审、终审权限）可用。',
      params: StoryIdParams, body: OverrideInput, response: { 201: OverrideView, ...problemResponses(400, 401, 403, 404, 409, 422) },
    },
    config: { access: 'story.read' },
  }, async (request, reply) => reply.status(201).send(await review.override(actingOf(request), request.params.id, request.body)))

  app.get<{ Params: StoryIdParams }>('/stories/:id/review', {
    schema: {
      tags, summary: '审核视图：阶段、意见、校对、检查结果、我能否操作、自我上次通过以来的修改',
      params: StoryIdParams, response: { 200: ReviewView, ...problemResponses(400, 401, 403, 404) },
    },
    config: { access: 'story.read' },
  }, async (request) => queries.view(actingOf(request), request.params.id))

  app.get<{ Querystring: QueueQuery }>('/review/queue', {
    schema: {
      tags, summary: '我的待审稿件（含校对、负责人签发），按时限排序',
      querystring: QueueQuery, response: { 200: QueueList, ...problemResponses(400, 401, 403) },
    },
    config: { access: 'story.read' },
  }, async (request) => queries.queue(actingOf(request), request.query))

  await recordRoutes(app, deps)
  await errataRoutes(app, deps)
}
