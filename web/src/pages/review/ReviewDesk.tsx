import { useMemo, useState } from 'react'
import { Card, Typography } from 'antd'
import { useMe } from '../../api/auth'
import { checksApi, type StoredHit } from '../../api/checks'
import type { Anchor, Mark, Override, ReviewView } from '../../api/review'
import type { Story } from '../../api/stories'
import { usePermissions } from '../../auth/permissions'
import { useFeedback } from '../../components/feedback'
import { docToPlainText } from '../../editor/plainText'
import { useStoryEditor } from '../../editor/StoryEditor'
import { t } from '../../i18n'
import { ChecksPanel } from '../stories/checks/ChecksPanel'
import { OverrideModal } from '../stories/checks/OverrideModal'
import { hitId, sortHits, toPanelHits, type PanelHit } from '../stories/checks/useChecks'
import { DecisionForm } from './DecisionForm'
import { NoteModal } from './NoteModal'
import { ProofreadForm } from './ProofreadForm'
import { ReviewContent, type Marked, type TextRange } from './ReviewContent'

const reviewerPermissions = ['story.review.first', 'story.review.second', 'story.review.final']

/** The override recorded for this hit on the current version, if any. */
function overrideFor(h: Pick<StoredHit, 'field' | 'ruleId' | 'start' | 'end'>, overrides: Override[], versionHash: string): string | null {
  return overrides.find((o) => o.versionHash === versionHash && o.field === h.field && o.ruleId === h.ruleId && o.start === h.start && o.end === h.end)?.id ?? null
}

/**
 * One version of the story under review: the text with its highlights, the checks, and the forms
 * that act on it. Keyed by version: notes and marks refer to this text and start afresh on a new one.
 */
export function ReviewDesk({ story, review, onActed }: { story: Story; review: ReviewView; onActed: () => void }) {
  const { data: me } = useMe()
  const { canAny } = usePermissions()
  const feedback = useFeedback()
  const editor = useStoryEditor({ content: story.body, isEditable: false })
  const plain = useMemo(() => docToPlainText(editor.state.doc).text, [editor])
  const [anchors, setAnchors] = useState<Anchor[]>([])
  const [marks, setMarks] = useState<Mark[]>([])
  const [asking, setAsking] = useState<{ range: TextRange; kind: 'note' | 'mark' } | null>(null)
  const [activeId, setActiveId] = useState<string | null>(null)
  const [rerun, setRerun] = useState<PanelHit[] | null>(null)
  const [isRunning, setRunning] = useState(false)
  const [overriding, setOverriding] = useState<PanelHit | null>(null)

  // Stored hits are offsets into the submitted text; a body hit whose words moved since is listed, not marked.
  const stored = useMemo<PanelHit[]>(
    () => (review.checks?.hits ?? []).map((h) => ({ ...h, id: hitId(h.field, h) })),
    [review.checks],
  )
  const hits = useMemo(
    () => sortHits((rerun ?? stored).map((h) => ({ ...h, overrideId: overrideFor(h, review.overrides, review.versionHash) ?? h.overrideId ?? null }))),
    [rerun, stored, review.overrides, review.versionHash],
  )
  // Notes and marks of this cycle on this version, then the ones being written now.
  const marked = useMemo<Marked[]>(
    () => [
      ...review.decisions
        .filter((d) => d.cycle === review.cycle && d.versionNumber === story.versionNumber)
        .flatMap((d) => d.anchors.map((a, i) => ({ ...a, id: `note:${d.id}:${i}`, kind: 'note' as const, title: `${d.userName}（${d.stageName}）：${a.note}` }))),
      ...review.proofreads
        .filter((p) => p.cycle === review.cycle && p.versionNumber === story.versionNumber)
        .flatMap((p) => p.marks.map((m, i) => ({ ...m, quote: m.original, id: `mark:${p.id}:${i}`, kind: 'mark' as const, title: `${p.userName}：${m.original} → ${m.correction}` }))),
      ...anchors.map((a, i) => ({ ...a, id: `note:new:${i}`, kind: 'note' as const, title: a.note })),
      ...marks.map((m, i) => ({ ...m, quote: m.original, id: `mark:new:${i}`, kind: 'mark' as const, title: `${m.original} → ${m.correction}` })),
    ],
    [review.decisions, review.proofreads, review.cycle, story.versionNumber, anchors, marks],
  )
  const visibleHits = hits.filter((h) => h.field !== 'body' || plain.slice(h.start, h.end) === h.quote)

  const runChecks = async () => {
    setRunning(true)
    try {
      const [ti, bo] = await Promise.all([checksApi.run(story.title), plain ? checksApi.run(plain) : null])
      setRerun([...toPanelHits('title', story.title, ti.hits), ...toPanelHits('body', plain, bo?.hits ?? [])])
    } catch (err) {
      feedback.error(err)
    } finally {
      setRunning(false)
    }
  }

  const isAuthor = me?.user.id === story.authorId
  const canOverride = !isAuthor && canAny(reviewerPermissions) && ['draft', 'returned', 'in_review'].includes(story.state)
  const locate = (hit: PanelHit) => {
    setActiveId(hit.id)
    document.querySelector(`[data-highlight="${CSS.escape(hit.id)}"]`)?.scrollIntoView({ block: 'center', behavior: 'smooth' })
  }

  return (
    <div className="rm-workspace">
      <div style={{ display: 'grid', gap: 16, minWidth: 0 }}>
        <Card size="small">
          <Typography.Title level={3} style={{ marginTop: 0 }} data-testid="review-title">{story.title}</Typography.Title>
          {story.subtitle && <Typography.Title level={5} type="secondary" style={{ marginTop: 0 }}>{story.subtitle}</Typography.Title>}
          {story.summary && <Typography.Paragraph className="rm-story-lead">{story.summary}</Typography.Paragraph>}
          <div className="rm-story-meta-line">
            {story.byline && <span>{t('story.field.byline')}：{story.byline}</span>}
            {story.source && <span>{t('story.field.source')}：{story.source}</span>}
            {story.section && <span>{t('story.field.section')}：{story.section}</span>}
            <span>{t('editor.wordCount', { count: story.wordCount })}</span>
          </div>
        </Card>
        <ReviewContent
          editor={editor}
          hits={visibleHits}
          activeId={activeId}
          marked={marked}
          onActivate={setActiveId}
          onNote={review.canDecide ? (range) => setAsking({ range, kind: 'note' }) : undefined}
          onMark={review.canProofread ? (range) => setAsking({ range, kind: 'mark' }) : undefined}
        />
      </div>
      <div className="rm-workspace-side">
        <DecisionForm storyId={story.id} review={review} anchors={anchors} onRemoveAnchor={(i) => setAnchors((l) => l.filter((_, j) => j !== i))} onDone={onActed} />
        <ProofreadForm storyId={story.id} review={review} marks={marks} onRemoveMark={(i) => setMarks((l) => l.filter((_, j) => j !== i))} onDone={onActed} />
        <ChecksPanel
          hits={review.checks || rerun ? hits : null}
          isRunning={isRunning}
          activeId={activeId}
          onRun={() => void runChecks()}
          onLocate={locate}
          onOverride={canOverride ? setOverriding : undefined}
        />
      </div>
      <NoteModal
        range={asking?.range ?? null}
        kind={asking?.kind ?? 'note'}
        onClose={() => setAsking(null)}
        onSubmit={({ note, correction }) => {
          if (!asking) return
          const { range, kind } = asking
          if (kind === 'note') setAnchors((l) => [...l, { ...range, note }])
          else setMarks((l) => [...l, { start: range.start, end: range.end, original: range.quote, correction: correction ?? range.quote, ...(note ? { note } : {}) }])
        }}
      />
      <OverrideModal storyId={story.id} hit={overriding} onClose={() => setOverriding(null)} />
    </div>
  )
}
