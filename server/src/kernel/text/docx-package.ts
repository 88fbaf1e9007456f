import JSZip from 'jszip'
import yauzl from 'yauzl'
import { AppError } from '../errors.js'

export interface DocxLimits {
  /** Size of the uploaded file. */
  maxBytes: number
  /** Sum of all parts once unpacked. */
  maxUncompressedBytes: number
  maxEntries: number
  /** Any single embedded image (or other binary part). */
  maxImageBytes: number
  /** Unpacked ÷ packed size above which a large part is taken for a zip bomb. */
  maxCompressionRatio: number
}

export const defaultDocxLimits: DocxLimits = {
  maxBytes: 20 * 1024 * 1024,
  maxUncompressedBytes: 100 * 1024 * 1024,
  maxEntries: 2000,
  maxImageBytes: 15 * 1024 * 1024,
  maxCompressionRatio: 200,
}

export type DocxRefusal = 'not_docx' | 'encrypted' | 'legacy_doc' | 'empty' | 'too_large' | 'zip_bomb' | 'corrupt' | 'external_entities'

const refusalDetail: Record<DocxRefusal, string> = {
  not_docx: '文件不是 Word 文档（.docx），无法导入。',
  encrypted: '文档设置了密码保护，请在 Word/WPS 中取消密码后再导入。',
  legacy_doc: '这是旧版 Word 文档（.doc），请在 Word/WPS 中另存为 .docx 后再导入。',
  empty: '文档中没有文字或图片，无法导入。',
  too_large: '文档或其中的图片超出大小限制，请压缩图片或拆分文档后再导入。',
  zip_bomb: '文档的压缩结构异常（解压后体积或压缩比超出限制），已拒绝导入。',
  corrupt: '文档已损坏或格式不完整，无法读取。请在 Word/WPS 中打开并重新保存后再试。',
  external_entities: '文档含有不允许的 XML 声明（DOCTYPE/实体引用），可能是恶意文件，已拒绝导入。',
}

/** The one way an import says no: a 422 problem with a readable Chinese detail and a machine `reason`. */
export function docxRefused(reason: DocxRefusal, cause?: unknown): AppError {
  return new AppError('DOCX_INVALID', refusalDetail[reason], { extra: { reason }, cause })
}

/** Below this, a high compression ratio is harmless (small XML parts compress very well). */
const RATIO_FLOOR_BYTES = 1024 * 1024

const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04])

/**
 * Checks an uploaded .docx without trusting it, and returns a fresh, uncompressed copy holding
 * exactly the parts that were checked. The central directory bounds the entry count, the total
 * size and each part's compression ratio before anything is inflated; every part is then
 * inflated with its declared size enforced (a lying header fails) and XML parts are refused if
 * they declare a DOCTYPE or ENTITY. Handing mammoth the rebuilt copy, not the upload, means a
 * second zip reader can never see parts (or sizes) this one did not.
 */
export async function readDocxPackage(buffer: Buffer, limits: DocxLimits): Promise<Buffer> {
  if (buffer.length === 0) throw docxRefused('empty')
  if (buffer.length > limits.maxBytes) throw docxRefused('too_large')
  if (buffer.subarray(0, 8).equals(OLE_MAGIC)) throw docxRefused(classifyCompoundFile(buffer))
  if (!buffer.subarray(0, 4).equals(ZIP_MAGIC)) throw docxRefused('not_docx')

  let zip: yauzl.ZipFile
  try {
    zip = await yauzl.fromBufferPromise(buffer, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false })
  } catch (error) {
    throw docxRefused('corrupt', error)
  }
  try {
    if (zip.entryCount > limits.maxEntries) throw docxRefused('zip_bomb')
    const entries = await listEntries(zip, limits)
    if (!entries.some((entry) => entry.fileName.toLowerCase() === 'word/document.xml')) throw docxRefused('not_docx')
    const rebuilt = new JSZip()
    for (const entry of entries) {
      const data = await inflate(zip, entry)
      if (declaresDoctype(data)) throw docxRefused('external_entities')
      rebuilt.file(entry.fileName, data, { binary: true, createFolders: false })
    }
    return await rebuilt.generateAsync({ type: 'nodebuffer', compression: 'STORE' })
  } finally {
    zip.close()
  }
}

async function listEntries(zip: yauzl.ZipFile, limits: DocxLimits): Promise<yauzl.Entry[]> {
  const entries: yauzl.Entry[] = []
  const names = new Set<string>()
  let total = 0
  try {
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName.endsWith('/')) continue
      if (entry.isEncrypted()) throw docxRefused('encrypted')
      if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) throw docxRefused('corrupt')
      const name = entry.fileName.toLowerCase()
      // Two parts with one name: which one a reader takes is up to the reader.
      if (names.has(name)) throw docxRefused('corrupt')
      names.add(name)
      total += entry.uncompressedSize
      if (total > limits.maxUncompressedBytes) throw docxRefused('zip_bomb')
      const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1)
      if (entry.uncompressedSize > RATIO_FLOOR_BYTES && ratio > limits.maxCompressionRatio) throw docxRefused('zip_bomb')
      if (!isXmlPartName(name) && entry.uncompressedSize > limits.maxImageBytes) throw docxRefused('too_large')
      entries.push(entry)
    }
  } catch (error) {
    throw error instanceof AppError ? error : docxRefused('corrupt', error)
  }
  return entries
}

async function inflate(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Buffer> {
  const chunks: Buffer[] = []
  try {
    const stream = await zip.openReadStreamPromise(entry)
    for await (const chunk of stream) chunks.push(chunk as Buffer)
  } catch (error) {
    // yauzl stops a stream that inflates past its declared size: a bomb behind a lying header.
    const isOversized = error instanceof Error && error.message.includes('too many bytes')
    throw docxRefused(isOversized ? 'zip_bomb' : 'corrupt', error)
  }
  return Buffer.concat(chunks)
}

function isXmlPartName(name: string): boolean {
  return /\.(?:xml|rels|vml)$/.test(name)
}

/**
 * A DOCTYPE is the door to XXE and entity expansion (billion laughs); no genuine Word part has
 * one. Every part is searched, not only *.xml, because a relationship may point the reader at a
 * part with any name. UTF-16 text is searched with its zero bytes removed.
 */
function declaresDoctype(data: Buffer): boolean {
  const isUtf16 = data.length > 1 && (data[0] === 0 || data[1] === 0 || (data[0] === 0xff && data[1] === 0xfe) || (data[0] === 0xfe && data[1] === 0xff))
  const text = (isUtf16 ? Buffer.from(data.filter((byte) => byte !== 0)) : data).toString('latin1')
  return /<!\s*(?:doctype|entity)/i.test(text)
}

/**
 * An OLE compound file is either Word's encrypted .docx (the package sits in an
 * "EncryptedPackage" stream described by "EncryptionInfo") or a legacy binary .doc
 * ("WordDocument" stream). Directory entry names are UTF-16LE, so they are searched as such.
 */
function classifyCompoundFile(buffer: Buffer): DocxRefusal {
  const utf16 = (name: string) => Buffer.from(name, 'utf16le')
  if (buffer.includes(utf16('EncryptionInfo')) || buffer.includes(utf16('EncryptedPackage'))) return 'encrypted'
  if (buffer.includes(utf16('WordDocument'))) return 'legacy_doc'
  return 'not_docx'
}
