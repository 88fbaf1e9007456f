import {
  AlignmentType, BorderStyle, Document, Packer, PageOrientation, Paragraph, Table, TableCell, TableRow, TextRun, WidthType,
  type IBorderOptions,
} from 'docx'
import type { FormModel, FormTable } from './review.form.js'

/** The review record as a Word document (信息发布登记审核表), A4 landscape, 宋体 with a 黑体 title. */

// A4 landscape, 2 cm margins: the text width in twips (1 cm = 567 twips).
const PAGE_WIDTH = 16838
const MARGIN = 1134
const TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN
const BODY_FONT = { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: '宋体' }
const HEAD_FONT = { ascii: 'Arial', hAnsi: 'Arial', eastAsia: '黑体' }

const line: IBorderOptions = { style: BorderStyle.SINGLE, size: 4, color: '000000' }
const borders = { top: line, bottom: line, left: line, right: line, insideHorizontal: line, insideVertical: line }

function cell(text: string, width: number, { isHeader = false, span = 1 }: { isHeader?: boolean; span?: number } = {}): TableCell {
  return new TableCell({
    width: { size: width, type: WidthType.DXA },
    columnSpan: span,
    shading: isHeader ? { fill: 'EDEDED' } : undefined,
    margins: { top: 60, bottom: 60, left: 80, right: 80 },
    children: text.split('\n').map((part) => new Paragraph({
      alignment: isHeader ? AlignmentType.CENTER : AlignmentType.LEFT,
      children: [new TextRun({ text: part, bold: isHeader, font: isHeader ? HEAD_FONT : BODY_FONT, size: 20 })],
    })),
  })
}

function widthsOf(weights: readonly number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0)
  return weights.map((w) => Math.floor((TEXT_WIDTH * w) / total))
}

function factsTable(facts: ReadonlyArray<[string, string]>): Table {
  const widths = widthsOf([2, 7, 2, 7])
  const rows: TableRow[] = []
  for (let i = 0; i < facts.length; i += 2) {
    const [a, b] = [facts[i], facts[i + 1]]
    // The title takes the whole row: it is the longest fact and the one read first.
    if (i === 0 || !b) {
      rows.push(new TableRow({ children: [cell(a[0], widths[0], { isHeader: true }), cell(a[1], widths[1] + widths[2] + widths[3], { span: 3 })] }))
      if (b) i -= 1
      continue
    }
    rows.push(new TableRow({ children: [cell(a[0], widths[0], { isHeader: true }), cell(a[1], widths[1]), cell(b[0], widths[2], { isHeader: true }), cell(b[1], widths[3])] }))
  }
  return new Table({ rows, columnWidths: widths, width: { size: TEXT_WIDTH, type: WidthType.DXA }, borders })
}

function formTable(table: FormTable): Table {
  const widths = widthsOf(table.columns.map((c) => c.weight))
  const header = new TableRow({ tableHeader: true, children: table.columns.map((c, i) => cell(c.title, widths[i], { isHeader: true })) })
  const rows = table.rows.length > 0
    ? table.rows.map((row) => new TableRow({ cantSplit: true, children: row.map((text, i) => cell(text, widths[i])) }))
    : [new TableRow({ children: [cell(table.emptyText, TEXT_WIDTH, { span: table.columns.length })] })]
  return new Table({ rows: [header, ...rows], columnWidths: widths, width: { size: TEXT_WIDTH, type: WidthType.DXA }, borders })
}

function heading(text: string): Paragraph {
  return new Paragraph({ spacing: { before: 240, after: 80 }, children: [new TextRun({ text, bold: true, font: HEAD_FONT, size: 24 })] })
}

function note(text: string): Paragraph {
  return new Paragraph({ spacing: { after: 80 }, children: [new TextRun({ text, font: BODY_FONT, size: 18, color: '444444' })] })
}

/** Renders the form as .docx bytes. */
export async function renderDocx(form: FormModel): Promise<Buffer> {
  const children = [
    new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 120 }, children: [new TextRun({ text: form.title, bold: true, font: HEAD_FONT, size: 36 })] }),
    new Paragraph({
      alignment: AlignmentType.CENTER, spacing: { after: 200 },
      children: [new TextRun({ text: `单位：${form.unit}　　编号：${form.serial}`, font: BODY_FONT, size: 20 })],
    }),
    factsTable(form.facts),
    ...form.tables.flatMap((t) => [heading(t.heading), ...(t.note ? [note(t.note)] : []), formTable(t)]),
    heading('签发'),
    factsTable(form.signature),
  ]
  const doc = new Document({
    creator: 'Rongmei 融媒', title: form.title, description: `${form.unit} ${form.title}`,
    styles: { default: { document: { run: { font: BODY_FONT, size: 21 } } } },
    sections: [{
      properties: { page: { size: { orientation: PageOrientation.LANDSCAPE, width: 11906, height: 16838 }, margin: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN } } },
      children,
    }],
  })
  return Packer.toBuffer(doc)
}
