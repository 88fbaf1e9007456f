import { categoryLabels, type Category } from '../checks/checks.types.js'
import type { ReviewRecord } from './review.record.js'

/**
 * The review record laid out as the paper form 信息发布登记审核表: header facts, then tables. The
 * .docx and the PDF render this same model, so both documents always say the same thing.
 */

export interface FormTable {
  heading: string
  note?: string
  columns: Array<{ title: string; weight: number }>
  rows: string[][]
  emptyText: string
}

export interface FormModel {
  title: string
  unit: string
  serial: string
  /** Label/value pairs shown two to a row. */
  facts: Array<[string, string]>
  tables: FormTable[]
  /** The closing block: who signed which version when. */
  signature: Array<[string, string]>
}

const shanghai = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
})

/** `2026-11-05 14:03`, Beijing time. */
export function shanghaiTime(value: string | Date): string {
  const parts = Object.fromEntries(shanghai.formatToParts(new Date(value)).map((p) => [p.type, p.value]))
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour === '24' ? '00' : parts.hour}:${parts.minute}`
}

export const shortHash = (hash: string) => hash.slice(0, 12)

const decisionLabels: Record<string, string> = { approve: '通过', return: '退回修改', reject: '不予采用' }
const stateLabels: Record<string, string> = { draft: '草稿', in_review: '审核中', returned: '退回修改', rejected: '不予采用', signed_off: '已签发' }
const phaseLabels: Record<string, string> = {
  stages: '审核中', proofreading: '待校对', head_signoff: '待负责人签发', signed_off: '已签发', returned: '已退回', rejected: '不予采用', withdrawn: '作者撤回',
}
const reasonLabels: Record<string, string> = { save: '保存', autosave: '自动保存', takeover: '接管编辑', restore: '恢复版本', import: '导入', submit: '提交' }
const severityLabels: Record<string, string> = { block: '必改', review: '须审', hint: '提示' }

/** The form for one record. */
export function recordForm(record: ReviewRecord): FormModel {
  const { story } = record
  const tables: FormTable[] = []
  for (const cycle of record.cycles) {
    // One row per decision, and a blank row for every level nobody has signed yet: a form shows its empty boxes.
    const levels = [...cycle.stages.map((s) => ({ index: s.index, name: s.name })), ...(cycle.isHeadSignoffRequired ? [{ index: cycle.stages.length + 1, name: '负责人签发' }] : [])]
    const stageRows = levels.flatMap((level) => {
      const signed = cycle.decisions.filter((d) => d.stageIndex === level.index)
      if (signed.length === 0) return [[level.name, '—', cycle.closedAt ? '未进行' : '待审核', '—', '—', '—']]
      return signed.map((d) => [
        d.stageName, d.userName, decisionLabels[d.decision] ?? d.decision, d.comment || '—', shanghaiTime(d.at),
        `第${d.versionNumber}版 ${shortHash(d.versionHash)}${d.isValid ? '' : '（修改后失效）'}`,
      ])
    })
    tables.push({
      heading: `审核记录（第 ${cycle.cycle} 次送审）`,
      note: `${shanghaiTime(cycle.submittedAt)} 由 ${cycle.submittedByName} 提交第${cycle.versionNumber}版（${shortHash(cycle.versionHash)}）；`
        + `流程：${cycle.stages.map((s) => s.name).join(' → ')}${cycle.isHeadSignoffRequired ? ' → 负责人签发' : ''}；状态：${phaseLabels[cycle.phase] ?? cycle.phase}`,
      columns: [{ title: '环节', weight: 2 }, { title: '审核人', weight: 3 }, { title: '结论', weight: 2 }, { title: '意见', weight: 6 }, { title: '时间', weight: 4 }, { title: '审核版本', weight: 5 }],
      rows: stageRows,
      emptyText: '尚无审核意见',
    })
    tables.push({
      heading: `校对记录（第 ${cycle.cycle} 次送审，需 ${cycle.proofreadRounds.required} 校，已完成 ${cycle.proofreadRounds.done} 校）`,
      columns: [{ title: '校次', weight: 2 }, { title: '校对人', weight: 3 }, { title: '改动', weight: 2 }, { title: '说明', weight: 7 }, { title: '时间', weight: 4 }, { title: '校对版本', weight: 4 }],
      rows: cycle.proofreads.map((p) => [
        `第${p.round}校`, p.userName, `${p.marks.length} 处`,
        [p.comment, ...p.marks.slice(0, 5).map((m) => `“${m.original}”→“${m.correction}”`)].filter(Boolean).join('；') || '—',
        shanghaiTime(p.at), `第${p.versionNumber}版 ${shortHash(p.versionHash)}`,
      ]),
      emptyText: cycle.proofreadRounds.required === 0 ? '本流程不要求校对' : '尚无校对记录',
    })
    tables.push({
      heading: `内容检查（第 ${cycle.cycle} 次送审，规则版本 ${cycle.checks.ruleSetVersion}）`,
      columns: [{ title: '位置', weight: 3 }, { title: '原文', weight: 4 }, { title: '类别', weight: 3 }, { title: '级别', weight: 2 }, { title: '说明', weight: 8 }, { title: '处理', weight: 3 }],
      rows: cycle.checks.hits.map((h) => [
        h.field === 'image' ? `正文第 ${h.start + 1} 张图片` : `${h.field === 'title' ? '标题' : '正文'} ${h.start}–${h.end}`, h.quote, categoryLabels[h.category as Category] ?? h.category,
        severityLabels[h.severity] ?? h.severity, h.suggestion ? `${h.message}（建议：${h.suggestion}）` : h.message, h.overrideId ? '已放行' : '提请审核',
      ]),
      emptyText: '未发现问题',
    })
  }
  tables.push({
    heading: '检查放行记录',
    columns: [{ title: '规则', weight: 4 }, { title: '原文', weight: 3 }, { title: '理由', weight: 7 }, { title: '放行人', weight: 3 }, { title: '时间', weight: 4 }, { title: '版本', weight: 4 }],
    rows: record.overrides.map((o) => [o.ruleId, o.quote, o.reason, o.userName, shanghaiTime(o.at), `第${o.versionNumber}版 ${shortHash(o.versionHash)}`]),
    emptyText: '无',
  })
  tables.push({
    heading: '版本记录',
    columns: [{ title: '版本', weight: 2 }, { title: '操作', weight: 3 }, { title: '修改人', weight: 4 }, { title: '时间', weight: 4 }, { title: '内容哈希（SHA-256）', weight: 10 }],
    rows: record.versions.map((v) => [`第${v.number}版`, reasonLabels[v.reason] ?? v.reason, v.createdByName, shanghaiTime(v.createdAt), v.hash]),
    emptyText: '无',
  })
  const signature: Array<[string, string]> = record.signOff
    ? [
      ...record.signOff.signers.map((s): [string, string] => [s.stageName, `${s.userName}　${shanghaiTime(s.at)}`]),
      ['签发时间', shanghaiTime(record.signOff.at)], ['签发版本', `第${record.signOff.versionNumber}版`], ['内容哈希', record.signOff.versionHash],
    ]
    : [['签发', `未签发（当前状态：${stateLabels[story.state] ?? story.state}）`]]
  return {
    title: '信息发布登记审核表',
    unit: record.tenant.name,
    serial: story.id,
    facts: [
      ['标题', story.title], ['作者', story.authorName], ['署名', story.byline || '—'], ['栏目', story.section || '—'],
      ['字数', `${story.wordCount} 字（${story.charCount} 字符）`], ['来源', story.source || '—'],
      ['重要信息', story.isImportant ? '是（须单位负责人签发）' : '否'], ['状态', stateLabels[story.state] ?? story.state],
      ['当前版本', `第${story.versionNumber}版 ${shortHash(story.versionHash)}`], ['生成时间', shanghaiTime(record.generatedAt)],
    ],
    tables,
    signature,
  }
}
