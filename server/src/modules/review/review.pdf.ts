import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import PDFDocument from 'pdfkit'
import { AppError } from '../../kernel/errors.js'
import type { FormModel, FormTable } from './review.form.js'

/** The review record as a PDF (信息发布登记审核表), A4 landscape, drawn with pdfkit. */

export interface CjkFont {
  path: string
  /** The face to use inside a collection (.ttc): its PostScript name. */
  postscriptName: string | null
}

const FONT_EXTENSIONS = /\.(ttf|otf|ttc)$/i
/** Fallback font packages, looked up only when fontconfig finds no Chinese font. */
const FONT_PACKAGE_FILES = ['@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf']

function fontconfig(args: string[]): string {
  try {
    return execFileSync(args[0], args.slice(1), { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] })
  } catch {
    return ''
  }
}

/**
 * A font with Chinese glyphs: the system's preferred one for zh-CN (fontconfig), else any with zh
 * coverage, else the TTF of a font package when one is installed. Null when there is none: a PDF
 * in a font without CJK glyphs would show empty boxes, which is worse than no PDF.
 */
export function findCjkFont(): CjkFont | null {
  const parse = (line: string): CjkFont => {
    const [file, names = ''] = line.split('\t')
    return { path: file, postscriptName: names.split(',')[0] || null }
  }
  const covered = fontconfig(['fc-list', ':lang=zh-cn', '-f', '%{file}\t%{postscriptname}\n']).split('\n')
    .filter((l) => FONT_EXTENSIONS.test(l.split('\t')[0] ?? '')).map(parse).filter((f) => fs.existsSync(f.path))
  if (covered.length > 0) {
    const preferred = parse(fontconfig(['fc-match', '-f', '%{file}\t%{postscriptname}', 'sans-serif:lang=zh-cn']).trim())
    return covered.find((f) => f.path === preferred.path && f.postscriptName === preferred.postscriptName)
      ?? covered.find((f) => !/mono/i.test(f.postscriptName ?? '')) ?? covered[0]
  }
  const require = createRequire(import.meta.url)
  for (const file of FONT_PACKAGE_FILES) {
    try {
      return { path: require.resolve(file), postscriptName: null }
    } catch {
      // Not installed: try the next.
    }
  }
  return null
}

let cachedFont: CjkFont | null | undefined

/** The CJK font, looked up once per process; 503 naming what to install when there is none. */
export function requireCjkFont(find: () => CjkFont | null = findCjkFont): CjkFont {
  if (find !== findCjkFont) {
    const font = find()
    if (!font) throw fontMissing()
    return font
  }
  cachedFont ??= findCjkFont()
  if (!cachedFont) throw fontMissing()
  return cachedFont
}

function fontMissing(): AppError {
  return new AppError('RECORD_FONT_MISSING', '服务器没有安装中文字体，无法生成 PDF：请安装 Debian 软件包 fonts-wqy-microhei（或 fonts-noto-cjk），或 npm 包 @expo-google-fonts/noto-sans-sc', {
    extra: { install: ['apt-get install fonts-wqy-microhei', 'npm install @expo-google-fonts/noto-sans-sc'] },
  })
}

const PAGE = { width: 841.89, height: 595.28, margin: 36 }
const TEXT_WIDTH = PAGE.width - 2 * PAGE.margin
const BOTTOM = PAGE.height - PAGE.margin - 18
const PAD = 4
const SIZE = 9

type Doc = InstanceType<typeof PDFDocument>

// A cell taller than a page cannot be drawn as one box; the JSON and the .docx carry the full text.
const MAX_CELL_CHARS = 1200
const fit = (text: string) => (text.length > MAX_CELL_CHARS ? `${text.slice(0, MAX_CELL_CHARS)}…（全文见电子记录）` : text || ' ')

function cellHeight(doc: Doc, text: string, width: number): number {
  return doc.heightOfString(fit(text), { width: width - 2 * PAD }) + 2 * PAD
}

/** One row of cells with borders; `shaded` marks header cells. */
function drawRow(doc: Doc, cells: Array<{ text: string; width: number; isShaded?: boolean }>, y: number, height: number): void {
  let x = PAGE.margin
  for (const c of cells) {
    if (c.isShaded) doc.save().rect(x, y, c.width, height).fill('#EDEDED').restore()
    doc.rect(x, y, c.width, height).lineWidth(0.5).stroke('#000000')
    doc.fillColor('#000000').text(fit(c.text), x + PAD, y + PAD, { width: c.width - 2 * PAD })
    x += c.width
  }
}

/** Draws rows, starting a new page (with the header row again) when the next row does not fit. */
function drawTable(doc: Doc, header: Array<{ text: string; width: number; isShaded?: boolean }> | null, rows: Array<Array<{ text: string; width: number; isShaded?: boolean }>>): void {
  doc.fontSize(SIZE)
  const heightOf = (row: Array<{ text: string; width: number }>) => Math.max(...row.map((c) => cellHeight(doc, c.text, c.width)))
  const drawHeader = () => {
    if (!header) return
    const h = heightOf(header)
    const y = doc.y
    drawRow(doc, header, y, h)
    doc.y = y + h
  }
  drawHeader()
  for (const row of rows) {
    const h = heightOf(row)
    if (doc.y + h > BOTTOM) {
      doc.addPage()
      drawHeader()
    }
    const y = doc.y
    drawRow(doc, row, y, h)
    doc.y = y + h
  }
  doc.x = PAGE.margin
}

function widths(weights: readonly number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0)
  return weights.map((w) => (TEXT_WIDTH * w) / total)
}

function factRows(facts: ReadonlyArray<[string, string]>) {
  const [lw, vw] = widths([2, 7])
  const half = [lw / 2, vw / 2]
  const rows: Array<Array<{ text: string; width: number; isShaded?: boolean }>> = []
  for (let i = 0; i < facts.length; i++) {
    const a = facts[i]
    const b = i === 0 ? undefined : facts[i + 1]
    if (!b) {
      rows.push([{ text: a[0], width: half[0], isShaded: true }, { text: a[1], width: TEXT_WIDTH - half[0] }])
      continue
    }
    rows.push([{ text: a[0], width: half[0], isShaded: true }, { text: a[1], width: half[1] }, { text: b[0], width: half[0], isShaded: true }, { text: b[1], width: half[1] }])
    i++
  }
  return rows
}

type Cell = { text: string; width: number; isShaded?: boolean }

function rowHeight(doc: Doc, row: readonly Cell[]): number {
  doc.fontSize(SIZE)
  return Math.max(...row.map((c) => cellHeight(doc, c.text, c.width)))
}

/**
 * A heading and its table. The heading never stays alone at the foot of a page: it moves on with
 * the header row and the first row; `isKeptTogether` moves a short table whole.
 */
function section(doc: Doc, table: FormTable, { isKeptTogether = false } = {}): void {
  const w = widths(table.columns.map((c) => c.weight))
  const header: Cell[] = table.columns.map((c, i) => ({ text: c.title, width: w[i], isShaded: true }))
  const rows: Cell[][] = table.rows.length > 0 ? table.rows.map((r) => r.map((text, i) => ({ text, width: w[i] }))) : [[{ text: table.emptyText, width: TEXT_WIDTH }]]
  const body = isKeptTogether ? rows.reduce((sum, r) => sum + rowHeight(doc, r), 0) : rowHeight(doc, rows[0])
  const needed = 24 + (table.note ? 14 : 0) + rowHeight(doc, header) + body
  if (doc.y + needed > BOTTOM) doc.addPage()
  doc.moveDown(0.6).fontSize(12).text(table.heading, PAGE.margin, doc.y)
  if (table.note) doc.fontSize(8.5).fillColor('#444444').text(table.note, { width: TEXT_WIDTH }).fillColor('#000000')
  doc.moveDown(0.2)
  drawTable(doc, header, rows)
}

/** Renders the form as PDF bytes in the given CJK font. */
export function renderPdf(form: FormModel, font: CjkFont): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', layout: 'landscape', margin: PAGE.margin, bufferPages: true, info: { Title: form.title, Author: form.unit, Creator: 'Rongmei 融媒' } })
  const chunks: Buffer[] = []
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk))
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
  })
  if (font.postscriptName) doc.registerFont('cjk', font.path, font.postscriptName)
  else doc.registerFont('cjk', font.path)
  doc.font('cjk')
  doc.fontSize(18).text(form.title, { align: 'center' })
  doc.moveDown(0.3).fontSize(10).text(`单位：${form.unit}　　编号：${form.serial}`, { align: 'center' })
  doc.moveDown(0.6)
  drawTable(doc, null, factRows(form.facts))
  for (const table of form.tables) section(doc, table)
  section(doc, { heading: '签发', columns: [{ title: '项目', weight: 2 }, { title: '内容', weight: 7 }], rows: form.signature.map(([k, v]) => [k, v]), emptyText: '' }, { isKeptTogether: true })
  const range = doc.bufferedPageRange()
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i)
    // The footer sits in the bottom margin, where pdfkit would otherwise start a new page.
    doc.page.margins.bottom = 0
    doc.fontSize(8).text(`${form.title}　第 ${i + 1} 页，共 ${range.count} 页`, PAGE.margin, PAGE.height - PAGE.margin - 8, { width: TEXT_WIDTH, align: 'center', lineBreak: false })
  }
  doc.end()
  return done
}
