import { Alert, Button, Space } from 'antd'
import { formatDateTime } from '../../../lib/time'
import { t } from '../../../i18n'

/** Text that did not make it into the current version: the server draft, or a copy kept on a conflict. */
export interface Recovery {
  source: 'draft' | 'conflict'
  savedAt: string
  baseVersion: number
  apply: () => void
}

/** Offers to bring unsaved text back; says so when it was written on an older version. */
export function RecoveryPrompt({ recovery, currentVersion, onApply, onDiscard }: { recovery: Recovery; currentVersion: number; onApply: () => void; onDiscard: () => void }) {
  const isOlder = recovery.baseVersion !== currentVersion
  return (
    <Alert
      type="warning"
      showIcon
      style={{ marginBottom: 16 }}
      data-testid="recovery-prompt"
      title={recovery.source === 'draft' ? t('recovery.draftTitle', { at: formatDateTime(recovery.savedAt) }) : t('recovery.conflictTitle')}
      description={isOlder ? t('recovery.olderBase', { base: recovery.baseVersion, current: currentVersion }) : t('recovery.sameBase')}
      action={
        <Space orientation="vertical">
          <Button size="small" type="primary" onClick={onApply} data-testid="recovery-apply">{t('recovery.apply')}</Button>
          <Button size="small" onClick={onDiscard}>{t('recovery.discard')}</Button>
        </Space>
      }
    />
  )
}
