import crypto from 'node:crypto'
import type { Database } from '../../db/database.js'
import type { StoryKind } from '../../db/schema.js'
import { recordAudit, withContext } from '../../kernel/audit.js'
import { AppError } from '../../kernel/errors.js'
import { importDocx, PENDING_ASSET_PREFIX } from '../../kernel/text/docx-import.js'
import type { StoryActing } from './stories.core.js'
import type { StoriesService, WrittenStory } from './stories.service.js'

const MAX_TITLE = 200

/** The path an imported image is served at (GET /api/v1/stories/{id}/images/{imageId}). */
export function storyImagePath(storyId: string, imageId: string): string {
  return `/api/v1/stories/${storyId}/images/${imageId}`
}

/** The file name without its extension, as a title of last resort. */
function titleFromFilename(filename: string): string {
  return filename.replace(/\.[A-Za-z0-9]{1,5}$/, '').replace(/\s+/g, ' ').trim()
}

/**
 * Word import: the document is converted (and refused, when broken or hostile) before any
 * transaction opens; the story, its first version and its images are then written together, so
 * a refusal or a failure leaves nothing half-created.
 */
export function createImportService({ db, stories, docxMaxBytes }: { db: Database; stories: Pick<StoriesService, 'create'>; docxMaxBytes: number }) {
  async function importStory(acting: StoryActing, { file, filename, kind, section }: {
    file: Buffer; filename: string; kind?: StoryKind; section?: string
  }): Promise<WrittenStory & { warnings: string[] }> {
    const name = filename.slice(0, 200)
    let imported
    try {
      imported = await importDocx(file, { maxBytes: docxMaxBytes })
    } catch (error) {
      if (error instanceof AppError && error.code === 'DOCX_INVALID') {
        await recordAudit(db, withContext(acting.audit, {
          action: 'story.import', outcome: 'failure', targetType: 'story', details: { filename: name, bytes: file.length, reason: error.extra?.reason ?? null },
        }))
      }
      throw error
    }
    const storyId = crypto.randomUUID()
    let html = imported.html
    for (const image of imported.images) html = html.split(`${PENDING_ASSET_PREFIX}${image.id}`).join(storyImagePath(storyId, image.id))
    const title = [...(imported.title ?? titleFromFilename(name))].slice(0, MAX_TITLE).join('').trim() || '未命名稿件'
    const story = await stories.create(acting, { title, body: html, kind: kind ?? 'article', ...(section ? { section } : {}) }, {
      reason: 'import', id: storyId, images: imported.images, extra: { filename: name, footnotes: imported.footnotes },
    })
    return { ...story, warnings: imported.warnings }
  }

  return { importStory }
}
