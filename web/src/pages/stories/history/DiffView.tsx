import { Alert, Col, Descriptions, Row, Segmented, Typography } from 'antd'
import { useState } from 'react'
import { useStoryDiff, type ChangeType, type StoryDiff, type Version } from '../../../api/stories'
import { QueryError } from '../../../components/QueryState'
import { formatDateTimeShort } from '../../../lib/time'
import { t, tOr } from '../../../i18n'
import '../stories.css'

type Side = 'from' | 'to'

/** One side of a text diff: the left keeps what was removed, the right what was added. */
function SideText({ changes, side }: { changes: StoryDiff['body']['changes']; side: Side }) {
  const hidden: ChangeType = side === 'from' ? 'added' : 'removed'
  return (
    <div className="rm-diff-text">
      {changes.map((c, i) =>
        c.type === hidden ? null : c.type === 'equal' ? (
          <span key={i}>{c.value}</span>
        ) : c.type === 'removed' ? (
          <del key={i}>{c.value}</del>
        ) : (
          <ins key={i}>{c.value}</ins>
        ),
      )}
    </div>
  )
}

function VersionHead({ v }: { v: Version }) {
  return (
    <Typography.Text strong>
      {t('history.versionLabel', { number: v.number })}
      <Typography.Text type="secondary" style={{ fontWeight: 'normal', marginInlineStart: 8 }}>
        {v.createdByName} · {formatDateTimeShort(v.createdAt)} · {tOr(`history.reason.${v.reason}`, v.reason)}
      </Typography.Text>
    </Typography.Text>
  )
}

function fieldValue(value: unknown): string {
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'object' && v ? (v as { name?: string }).name ?? JSON.stringify(v) : String(v))).join('、') || '—'
  if (typeof value === 'boolean') return value ? t('common.yes') : t('common.no')
  return value === null || value === undefined || value === '' ? '—' : String(value)
}

/** Side by side: title and body word by word, or the body's blocks (structure), plus other fields. */
export function DiffView({ storyId, from, to }: { storyId: string; from: number; to: number }) {
  const diff = useStoryDiff(storyId, from, to)
  const [mode, setMode] = useState<'text' | 'blocks'>('text')
  if (diff.error) return <QueryError error={diff.error} onRetry={() => void diff.refetch()} />
  if (!diff.data) return <Typography.Text type="secondary">{t('common.loading')}</Typography.Text>
  const d = diff.data
  const isSame = d.body.changes.every((c) => c.type === 'equal') && d.title.changes.every((c) => c.type === 'equal') && d.fields.length === 0

  return (
    <div className="rm-diff" data-testid="diff-view">
      {isSame && <Alert type="info" showIcon title={t('history.same')} style={{ marginBottom: 12 }} />}
      {(d.body.isApproximate || d.title.isApproximate) && <Alert type="warning" showIcon title={t('history.approximate')} style={{ marginBottom: 12 }} />}
      <Segmented
        value={mode}
        onChange={(v) => setMode(v as 'text' | 'blocks')}
        options={[
          { value: 'text', label: t('history.modeText') },
          { value: 'blocks', label: t('history.modeBlocks') },
        ]}
        style={{ marginBottom: 12 }}
      />
      {mode === 'text' ? (
        <Row gutter={[16, 16]}>
          {(['from', 'to'] as Side[]).map((side) => (
            <Col xs={24} md={12} key={side}>
              <div className={`rm-diff-side rm-diff-${side}`}>
                <VersionHead v={d[side]} />
                <div className="rm-diff-title"><SideText changes={d.title.changes} side={side} /></div>
                <SideText changes={d.body.changes} side={side} />
              </div>
            </Col>
          ))}
        </Row>
      ) : (
        <div className="rm-diff-blocks">
          {d.blocks.map((b, i) => (
            // Story HTML is sanitised by the server on every write; these are slices of it.
            <div key={i} className={`rm-diff-block rm-diff-block-${b.type}`} dangerouslySetInnerHTML={{ __html: b.html }} />
          ))}
        </div>
      )}
      {d.fields.length > 0 && (
        <Descriptions
          size="small"
          bordered
          column={1}
          style={{ marginTop: 16 }}
          title={t('history.fields')}
          items={d.fields.map((f) => ({
            key: f.field,
            label: tOr(`story.field.${f.field}`, f.field),
            children: (
              <span>
                <del>{fieldValue(f.from)}</del> → <ins>{fieldValue(f.to)}</ins>
              </span>
            ),
          }))}
        />
      )}
    </div>
  )
}
