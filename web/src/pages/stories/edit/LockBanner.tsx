import { Alert, App, Button } from 'antd'
import { LockOutlined } from '@ant-design/icons'
import type { StoryLock, StoryState } from '../../../api/stories'
import { errorMessage } from '../../../api/client'
import { formatDateTime } from '../../../lib/time'
import { t } from '../../../i18n'
import type { LockStatus } from './useEditLock'

interface Props {
  /** idle: the viewer may edit but has not asked to (someone else's story). */
  status: LockStatus | 'idle'
  lock: StoryLock | null
  lockError: unknown
  state: StoryState
  canEdit: boolean
  canTakeOver: boolean
  onTakeOver: () => Promise<void>
  onStartEdit: () => void
  onRetry: () => void
}

/** Why the editor is read-only, and what can be done about it. */
export function LockBanner({ status, lock, lockError, state, canEdit, canTakeOver, onTakeOver, onStartEdit, onRetry }: Props) {
  const { modal } = App.useApp()
  if (!canEdit) {
    const key = state === 'rejected' ? 'editor.readOnlyRejected' : state === 'in_review' ? 'editor.readOnlyInReview' : 'editor.readOnly'
    return <Alert type="info" showIcon title={t(key)} style={{ marginBottom: 16 }} data-testid="readonly-banner" />
  }
  if (status === 'other' && lock) {
    const confirm = () =>
      modal.confirm({
        title: t('lock.takeOverTitle'),
        content: t('lock.takeOverBody', { name: lock.holderName }),
        okText: t('lock.takeOver'),
        okButtonProps: { danger: true },
        onOk: onTakeOver,
      })
    return (
      <Alert
        type="warning"
        showIcon
        icon={<LockOutlined />}
        style={{ marginBottom: 16 }}
        data-testid="lock-banner"
        title={t('lock.heldBy', { name: lock.holderName, until: formatDateTime(lock.expiresAt).slice(11) })}
        description={t('lock.readOnlyNote')}
        action={canTakeOver && <Button danger size="small" onClick={confirm} data-testid="lock-takeover">{t('lock.takeOver')}</Button>}
      />
    )
  }
  if (status === 'idle') {
    return (
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        title={state === 'in_review' || state === 'signed_off' ? t('lock.othersStoryInReview') : t('lock.othersStory')}
        action={<Button size="small" type="primary" onClick={onStartEdit} data-testid="start-edit">{t('lock.startEdit')}</Button>}
      />
    )
  }
  if (status === 'unavailable' && lockError) {
    return (
      <Alert
        type="error"
        showIcon
        style={{ marginBottom: 16 }}
        title={t('lock.failed')}
        description={errorMessage(lockError)}
        action={<Button size="small" onClick={onRetry}>{t('common.retry')}</Button>}
      />
    )
  }
  return null
}
