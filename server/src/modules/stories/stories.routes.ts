import multipart from '@fastify/multipart'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AppDeps } from '../../app.js'
import { problemResponses } from '../../kernel/openapi.js'
import { createEditingService } from './stories.editing.js'
import { createImportService } from './stories.import.js'
import { readDocxUpload } from './stories.upload.js'
import {
  AutosaveReply, DiffQuery, DiffReply, DraftReply, ImageParams, ImageReply, ImportBody, LockReply, RestoreInput, StoryCreateInput,
  StoryIdParams, StoryList, StoryListQuery, StorySaveInput, StoryView, TakeoverReply, VersionParams, VersionView,
} from './stories.schema.js'
import type { StoryActing } from './stories.core.js'
import { createStoriesService } from './stories.service.js'
import { createVersionsService } from './stories.versions.js'
import { draftView, lockReplyView, lockView, storyListItemView, storyView, takeoverView, versionView } from './stories.views.js'

function actingOf(request: FastifyRequest): StoryActing {
  return { actorId: request.actor!.userId, actorName: request.actor!.displayName, tenant: request.tenant!, audit: request.auditContext }
}

const tags = ['stories']
/** A story body may reach 2 MiB of HTML; JSON escaping and Chinese text in UTF-8 need the room. */
const storyBodyLimit = 8 * 1024 * 1024

/**
 * Stories (文稿): write, autosave, lock, version history, diff, restore, Word import. Reading
 * needs story.read; who may change a story is decided per story by the service (its author while
 * draft or returned, holders of story.edit at any time).
 */
export async function storiesRoutes(app: FastifyInstance, { db, config }: AppDeps): Promise<void> {
  const lockSeconds = config.storyLockSeconds
  const stories = createStoriesService({ db, lockSeconds })
  const editing = createEditingService({ db, lockSeconds })
  const history = createVersionsService({ db, lockSeconds })
  const importer = createImportService({ db, stories, docxMaxBytes: config.docxMaxBytes })

  // Scoped to this plugin: only the import route takes uploads, one .docx at a time.
  await app.register(multipart, {
    limits: { fileSize: config.docxMaxBytes, files: 1, fields: 5, fieldSize: 1000, parts: 8, headerPairs: 100 },
  })

  app.post<{ Body: StoryCreateInput }>('/stories', {
    schema: { tags, summary: '新建稿件（草稿）', body: StoryCreateInput, response: { 201: StoryView, ...problemResponses(400, 401, 403, 413) } },
    config: { access: 'story.create' }, bodyLimit: storyBodyLimit,
  }, async (request, reply) => {
    const written = await stories.create(actingOf(request), request.body)
    return reply.status(201).send(storyView(written, { removed: written.removed }))
  })

  app.get<{ Querystring: StoryListQuery }>('/stories', {
    schema: { tags, summary: '稿件列表（最近更新在前）', querystring: StoryListQuery, response: { 200: StoryList, ...problemResponses(400, 401, 403) } },
    config: { access: 'story.read' },
  }, async (request) => {
    const { mine, ...query } = request.query
    const page = await stories.list(actingOf(request), { ...query, isMine: mine })
    return { items: page.items.map(storyListItemView), nextCursor: page.nextCursor }
  })

  app.post('/stories/import', {
    schema: {
      tags, summary: '导入 Word 文档（.docx）为新稿件', consumes: ['multipart/form-data'], body: ImportBody,
      response: { 201: StoryView, ...problemResponses(400, 401, 403, 413, 415, 422) },
    },
    // The multipart body is read and checked by the handler (readDocxUpload); the schema documents it.
    validatorCompiler: () => () => true,
    config: { access: 'story.create' },
  }, async (request, reply) => {
    const upload = await readDocxUpload(request)
    const written = await importer.importStory(actingOf(request), upload)
    return reply.status(201).send(storyView(written, { removed: written.removed, warnings: written.warnings }))
  })

  app.get<{ Params: StoryIdParams }>('/stories/:id', {
    schema: { tags, summary: '稿件详情（含版本、锁定、审核状态）', params: StoryIdParams, response: { 200: StoryView, ...problemResponses(400, 401, 403, 404) } },
    config: { access: 'story.read' },
  }, async (request) => storyView(await stories.get(actingOf(request), request.params.id)))

  app.put<{ Params: StoryIdParams; Body: StorySaveInput }>('/stories/:id', {
    schema: {
      tags, summary: '保存稿件（生成新版本；baseVersion 不是当前版本时 409）', params: StoryIdParams, body: StorySaveInput,
      response: { 200: StoryView, ...problemResponses(400, 401, 403, 404, 409, 413, 422) },
    },
    config: { access: 'story.read' }, bodyLimit: storyBodyLimit,
  }, async (request) => {
    const written = await stories.save(actingOf(request), request.params.id, request.body)
    return storyView(written, { removed: written.removed })
  })

  app.delete<{ Params: StoryIdParams }>('/stories/:id', {
    schema: { tags, summary: '删除从未提交的草稿（作者本人）', params: StoryIdParams, response: { 204: { type: 'null' }, ...problemResponses(400, 401, 403, 404, 409, 422) } },
    config: { access: 'story.create' },
  }, async (request, reply) => {
    await stories.remove(actingOf(request), request.params.id)
    return reply.status(204).send()
  })

  app.post<{ Params: StoryIdParams }>('/stories/:id/recall', {
    schema: { tags, summary: '作者撤回审核中的稿件（回到草稿）', params: StoryIdParams, response: { 200: StoryView, ...problemResponses(400, 401, 403, 404, 409, 422) } },
    config: { access: 'story.read' },
  }, async (request) => storyView(await stories.recall(actingOf(request), request.params.id)))

  app.get<{ Params: StoryIdParams }>('/stories/:id/draft', {
    schema: { tags, summary: '本人的自动保存草稿（没有时 draft 为 null）', params: StoryIdParams, response: { 200: DraftReply, ...problemResponses(400, 401, 403, 404) } },
    config: { access: 'story.read' },
  }, async (request) => {
    const draft = await editing.getDraft(actingOf(request), request.params.id)
    return { draft: draft ? draftView(draft) : null }
  })

  app.put<{ Params: StoryIdParams; Body: StorySaveInput }>('/stories/:id/draft', {
    schema: {
      tags, summary: '自动保存（不生成版本，续租编辑锁）', params: StoryIdParams, body: StorySaveInput,
      response: { 200: AutosaveReply, ...problemResponses(400, 401, 403, 404, 409, 413, 422) },
    },
    config: { access: 'story.read' }, bodyLimit: storyBodyLimit,
  }, async (request) => {
    const saved = await editing.autosave(actingOf(request), request.params.id, request.body)
    return {
      baseVersion: saved.baseVersion, savedAt: saved.savedAt.toISOString(), wordCount: saved.wordCount, charCount: saved.charCount,
      lock: lockView(saved.lock), sanitizerRemoved: saved.removed,
    }
  })

  app.post<{ Params: StoryIdParams }>('/stories/:id/lock', {
    schema: { tags, summary: '获取或续租编辑锁', params: StoryIdParams, response: { 200: LockReply, ...problemResponses(400, 401, 403, 404, 409, 422) } },
    config: { access: 'story.read' },
  }, async (request) => lockReplyView(await editing.acquireLock(actingOf(request), request.params.id)))

  app.delete<{ Params: StoryIdParams }>('/stories/:id/lock', {
    schema: { tags, summary: '释放编辑锁（仅持有人）', params: StoryIdParams, response: { 204: { type: 'null' }, ...problemResponses(400, 401, 403, 404, 409) } },
    config: { access: 'story.read' },
  }, async (request, reply) => {
    await editing.releaseLock(actingOf(request), request.params.id)
    return reply.status(204).send()
  })

  app.post<{ Params: StoryIdParams }>('/stories/:id/lock/takeover', {
    schema: {
      tags, summary: '接管编辑锁（原持有人未保存的内容先存为版本）', params: StoryIdParams,
      response: { 200: TakeoverReply, ...problemResponses(400, 401, 403, 404, 422) },
    },
    config: { access: 'story.edit' },
  }, async (request) => takeoverView(await editing.takeOver(actingOf(request), request.params.id)))

  app.get<{ Params: VersionParams }>('/stories/:id/versions/:number', {
    schema: { tags, summary: '某一版本的完整内容', params: VersionParams, response: { 200: VersionView, ...problemResponses(400, 401, 403, 404) } },
    config: { access: 'story.read' },
  }, async (request) => versionView(await history.get(actingOf(request), request.params.id, request.params.number)))

  app.get<{ Params: StoryIdParams; Querystring: DiffQuery }>('/stories/:id/diff', {
    schema: {
      tags, summary: '两个版本的对照与差异（标题、正文逐词、段落结构、其他字段）', params: StoryIdParams, querystring: DiffQuery,
      response: { 200: DiffReply, ...problemResponses(400, 401, 403, 404) },
    },
    config: { access: 'story.read' },
  }, async (request) => {
    const { from, to, ...changes } = await history.diff(actingOf(request), request.params.id, request.query)
    return { from: versionView(from), to: versionView(to), ...changes }
  })

  app.post<{ Params: VersionParams; Body: RestoreInput }>('/stories/:id/versions/:number/restore', {
    schema: {
      tags, summary: '恢复某一版本（生成新版本）', params: VersionParams, body: RestoreInput,
      response: { 200: StoryView, ...problemResponses(400, 401, 403, 404, 409, 422) },
    },
    config: { access: 'story.read' },
  }, async (request) => {
    const written = await history.restore(actingOf(request), request.params.id, request.params.number, request.body)
    return storyView(written, { removed: written.removed })
  })

  app.get<{ Params: ImageParams }>('/stories/:id/images/:imageId', {
    schema: { tags, summary: '导入稿件中的图片', params: ImageParams, response: { 200: ImageReply, ...problemResponses(400, 401, 403, 404) } },
    config: { access: 'story.read' },
  }, async (request, reply) => {
    const image = await stories.getImage(actingOf(request), request.params.id, request.params.imageId)
    return reply.type(image.contentType)
      .header('x-content-type-options', 'nosniff')
      .header('content-disposition', 'inline')
      .header('cache-control', 'private, max-age=86400')
      .send(image.data)
  })
}
