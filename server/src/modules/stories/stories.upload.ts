import type { FastifyRequest } from 'fastify'
import type { StoryKind } from '../../db/schema.js'
import { AppError, type FieldError } from '../../kernel/errors.js'

/** What the import form carries: one .docx under `file`, optionally `kind` and `section`. */
export interface DocxUpload {
  file: Buffer
  filename: string
  kind?: StoryKind
  section?: string
}

const kinds = new Set<string>(['article', 'gallery', 'video', 'audio', 'live'])

/**
 * Types a browser, Word or WPS may give a .docx (or a legacy .doc, which the importer refuses
 * with its own message). Anything else, an image or a text file, is plainly not a document.
 */
const documentTypes = new Set([
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/msword',
  'application/zip',
  'application/x-zip-compressed',
  'application/octet-stream',
  'application/wps-office.docx',
  'application/kswps',
  '',
])

function invalid(errors: FieldError[]): AppError {
  return new AppError('VALIDATION_FAILED', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors })
}

/**
 * Reads the multipart form of a story import into memory (bounded by the multipart limits, whose
 * breach answers 413), naming the field at fault: no multipart → 415, a file that is not a
 * document → 415, no file or a bad field → 400.
 */
export async function readDocxUpload(request: FastifyRequest): Promise<DocxUpload> {
  if (!request.isMultipart()) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'file: send the .docx as multipart/form-data', {
      errors: [{ field: 'file', message: 'must be sent as multipart/form-data' }],
    })
  }
  let file: Buffer | null = null
  let filename = ''
  let mimetype = ''
  const fields: Record<string, string> = {}
  const errors: FieldError[] = []
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      if (part.fieldname !== 'file' || file !== null) {
        // Drain it: an unread file part would stall the rest of the form.
        part.file.resume()
        errors.push({ field: part.fieldname, message: 'is not expected (send one file, as `file`)' })
        continue
      }
      mimetype = part.mimetype.split(';')[0].trim().toLowerCase()
      filename = part.filename
      file = await part.toBuffer()
    } else {
      fields[part.fieldname] = String(part.value ?? '')
    }
  }
  for (const name of Object.keys(fields)) {
    if (name !== 'kind' && name !== 'section') errors.push({ field: name, message: 'is not expected' })
  }
  if (fields.kind !== undefined && !kinds.has(fields.kind)) errors.push({ field: 'kind', message: 'must be one of article, gallery, video, audio, live' })
  if (fields.section !== undefined && fields.section.length > 100) errors.push({ field: 'section', message: 'must be at most 100 characters' })
  if (file === null) errors.push({ field: 'file', message: 'is required (a .docx file)' })
  if (errors.length > 0) throw invalid(errors)
  if (!documentTypes.has(mimetype)) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', `file: ${mimetype} is not a Word document`, {
      errors: [{ field: 'file', message: `must be a .docx document, not ${mimetype}` }],
    })
  }
  return { file: file!, filename, kind: fields.kind as StoryKind | undefined, section: fields.section?.trim() || undefined }
}
