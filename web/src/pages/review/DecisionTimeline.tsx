import { Card, Empty, Tag, Timeline, Tooltip, Typography } from 'antd'
import type { Decision, Override, Proofread } from '../../api/review'
import { formatDateTime } from '../../lib/time'
import { t } from '../../i18n'

const decisionColor = { approve: 'green', return: 'orange', reject: 'red' } as const

type Entry = { at: string; key: string; node: React.ReactNode; color: string }

function Hash({ hash, version }: { hash: string; version: number }) {
  return (
    <Tooltip title={hash}>
      <Typography.Text type="secondary" code style={{ fontSize: 11 }}>
        {t('history.versionLabel', { number: version })} · {hash.slice(0, 10)}
      </Typography.Text>
    </Tooltip>
  )
}

/** Who did what, at which stage, on which exact version: decisions, 校对 rounds and overrides. */
export function DecisionTimeline({ decisions, proofreads, overrides, submitted }: {
  decisions: Decision[]
  proofreads: Proofread[]
  overrides: Override[]
  /** The latest submission, which opened the current cycle. */
  submitted?: { at: string; cycle: number } | null
}) {
  const entries: Entry[] = [
    ...(submitted
      ? [{
          at: submitted.at, key: 'submitted', color: 'gray',
          node: (
            <div>
              <Typography.Text strong>{t('review.submittedEntry', { cycle: submitted.cycle })}</Typography.Text>
              <div><Typography.Text type="secondary">{formatDateTime(submitted.at)}</Typography.Text></div>
            </div>
          ),
        }]
      : []),
    ...decisions.map((d) => ({
      at: d.at, key: d.id, color: decisionColor[d.decision],
      node: (
        <div data-testid="timeline-decision" data-decision={d.decision}>
          <Typography.Text strong>{d.userName}</Typography.Text> · {d.stageName}{' '}
          <Tag color={decisionColor[d.decision]}>{t(`review.decision.${d.decision}`)}</Tag>
          {!d.isValid && <Tooltip title={t('review.invalidatedHint')}><Tag>{t('review.invalidated')}</Tag></Tooltip>}
          <div><Typography.Text type="secondary">{formatDateTime(d.at)}</Typography.Text> <Hash hash={d.versionHash} version={d.versionNumber} /></div>
          {d.comment && <Typography.Paragraph style={{ margin: '4px 0 0' }}>{d.comment}</Typography.Paragraph>}
          {d.anchors.length > 0 && (
            <ul className="rm-note-list" style={{ marginTop: 4 }}>
              {d.anchors.map((a, i) => <li key={i}><strong>「{a.quote}」</strong> {a.note}</li>)}
            </ul>
          )}
        </div>
      ),
    })),
    ...proofreads.map((p) => ({
      at: p.at, key: p.id, color: 'cyan',
      node: (
        <div>
          <Typography.Text strong>{p.userName}</Typography.Text> · {t('review.proofreadRound', { round: p.round })}{' '}
          <Tag color="cyan">{t('review.marksCount', { count: p.marks.length })}</Tag>
          <div><Typography.Text type="secondary">{formatDateTime(p.at)}</Typography.Text> <Hash hash={p.versionHash} version={p.versionNumber} /></div>
          {p.comment && <Typography.Paragraph style={{ margin: '4px 0 0' }}>{p.comment}</Typography.Paragraph>}
        </div>
      ),
    })),
    ...overrides.map((o) => ({
      at: o.at, key: o.id, color: 'purple',
      node: (
        <div>
          <Typography.Text strong>{o.userName}</Typography.Text> · {t('review.overrideEntry', { quote: o.quote, rule: o.ruleId })}
          <div><Typography.Text type="secondary">{formatDateTime(o.at)}</Typography.Text> <Hash hash={o.versionHash} version={o.versionNumber} /></div>
          <Typography.Paragraph style={{ margin: '4px 0 0' }}>{o.reason}</Typography.Paragraph>
        </div>
      ),
    })),
  ].sort((a, b) => a.at.localeCompare(b.at))

  return (
    <Card size="small" title={t('review.timeline')} data-testid="decision-timeline">
      {entries.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('review.timelineEmpty')} />
      ) : (
        <Timeline items={entries.map((e) => ({ key: e.key, color: e.color, content: e.node }))} />
      )}
    </Card>
  )
}
