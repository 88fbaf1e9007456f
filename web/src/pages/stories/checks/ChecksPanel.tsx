import { Alert, Button, Card, Space, Tag, Tooltip, Typography } from 'antd'
import { CheckCircleOutlined, SafetyOutlined } from '@ant-design/icons'
import { severities, type Severity } from '../../../api/checks'
import { errorMessage } from '../../../api/client'
import { t, tOr } from '../../../i18n'
import type { PanelHit } from './useChecks'

// Solid tags with white text: antd's light orange tag is too faint to read (WCAG AA).
export const severityColor: Record<Severity, string> = { block: '#cf1322', review: '#ad4e00', hint: '#0958d9' }

interface Props {
  hits: PanelHit[] | null
  isRunning: boolean
  error?: unknown
  activeId: string | null
  onRun?: () => void
  onLocate: (hit: PanelHit) => void
  /** Offered when a suggestion exists and the text may be changed here. */
  onApply?: (hit: PanelHit) => void
  /** Offered on unresolved blocking hits to people who may let one stand. */
  onOverride?: (hit: PanelHit) => void
}

/** Check hits grouped by severity (拦截 / 需复核 / 提示), each explaining itself. */
export function ChecksPanel({ hits, isRunning, error, activeId, onRun, onLocate, onApply, onOverride }: Props) {
  const groups = severities.map((s) => [s, (hits ?? []).filter((h) => h.severity === s)] as const).filter(([, list]) => list.length > 0)
  return (
    <Card
      size="small"
      title={
        <Space>
          <SafetyOutlined />
          {t('checks.title')}
          {hits && <Typography.Text type="secondary" style={{ fontWeight: 'normal' }}>{t('checks.count', { count: hits.length })}</Typography.Text>}
        </Space>
      }
      extra={onRun && <Button size="small" onClick={onRun} loading={isRunning} data-testid="checks-run">{t('checks.run')}</Button>}
      data-testid="checks-panel"
    >
      {error ? <Alert type="error" showIcon title={errorMessage(error)} style={{ marginBottom: 8 }} /> : null}
      {hits === null ? (
        <Typography.Text type="secondary">{t('checks.notRun')}</Typography.Text>
      ) : hits.length === 0 ? (
        <Typography.Text className="rm-ok-text" data-testid="checks-clean">
          <CheckCircleOutlined /> {t('checks.clean')}
        </Typography.Text>
      ) : (
        <div className="rm-check-groups">
          {groups.map(([severity, list]) => (
            <section key={severity} aria-label={t(`checks.severity.${severity}`)}>
              <Typography.Text strong>
                <Tag color={severityColor[severity]}>{t(`checks.severity.${severity}`)}</Tag>
                {list.length}
              </Typography.Text>
              <ul className="rm-check-list">
                {list.map((hit) => (
                  <HitItem key={hit.id} hit={hit} isActive={hit.id === activeId} onLocate={onLocate} onApply={onApply} onOverride={onOverride} />
                ))}
              </ul>
            </section>
          ))}
        </div>
      )}
    </Card>
  )
}

function HitItem({ hit, isActive, onLocate, onApply, onOverride }: { hit: PanelHit; isActive: boolean } & Pick<Props, 'onLocate' | 'onApply' | 'onOverride'>) {
  const isOverridden = !!hit.overrideId
  return (
    <li className={`rm-check-item${isActive ? ' rm-check-item-active' : ''}`} data-testid="check-hit" data-rule={hit.ruleId} data-severity={hit.severity}>
      <button type="button" className="rm-check-quote" onClick={() => onLocate(hit)} title={t('checks.locate')}>
        {hit.field === 'title' && <Tag>{t('checks.inTitle')}</Tag>}
        {hit.field === 'image' && <Tag>{t('checks.inImage')}</Tag>}
        <span>「{hit.quote}」</span>
      </button>
      <div className="rm-check-message">{hit.message}</div>
      <div className="rm-check-meta">
        <Tag bordered={false}>{tOr(`checkCategory.${hit.category}`, hit.category)}</Tag>
        <Tooltip title={hit.source}>
          <Typography.Text type="secondary" code style={{ fontSize: 11 }}>{hit.ruleId}</Typography.Text>
        </Tooltip>
        {isOverridden && <Tag color="green">{t('checks.overridden')}</Tag>}
      </div>
      {(hit.suggestion !== null || (onOverride && hit.severity === 'block' && !isOverridden)) && (
        <div className="rm-check-actions">
          {hit.suggestion !== null && (
            <>
              <Typography.Text type="secondary">{t('checks.suggestion')}</Typography.Text>
              <Typography.Text mark>{hit.suggestion}</Typography.Text>
              {onApply && (
                <Button size="small" type="link" onClick={() => onApply(hit)} data-testid="check-apply">
                  {t('checks.apply')}
                </Button>
              )}
            </>
          )}
          {onOverride && hit.severity === 'block' && !isOverridden && (
            <Button size="small" type="link" danger onClick={() => onOverride(hit)} data-testid="check-override">
              {t('checks.override')}
            </Button>
          )}
        </div>
      )}
    </li>
  )
}
