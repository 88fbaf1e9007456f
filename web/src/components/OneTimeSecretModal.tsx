import { Alert, Button, Modal, Space } from 'antd'
import { CopyOutlined } from '@ant-design/icons'
import { copyText } from '../lib/clipboard'
import { t } from '../i18n'
import { useFeedback } from './feedback'

interface Props {
  open: boolean
  title: string
  /** The secret itself: shown once, never stored by the console. */
  secret: string | null
  note: string
  onClose: () => void
}

/** Shows a one-time secret (temporary password, API token) with a copy button. */
export function OneTimeSecretModal({ open, title, secret, note, onClose }: Props) {
  const feedback = useFeedback()
  const copy = async () => {
    if (!secret) return
    if (await copyText(secret)) feedback.success(t('common.copied'))
    else feedback.info(t('common.copyManually'))
  }
  return (
    <Modal
      open={open}
      title={title}
      onCancel={onClose}
      mask={{ closable: false }}
      destroyOnHidden
      footer={
        <Button type="primary" onClick={onClose}>
          {t('secret.done')}
        </Button>
      }
    >
      <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
        <Alert type="warning" showIcon title={t('secret.onceOnly')} description={note} />
        <div className="rm-secret" data-testid="one-time-secret" aria-label={title}>
          {secret}
        </div>
        <Button icon={<CopyOutlined />} onClick={copy} block>
          {t('common.copy')}
        </Button>
      </Space>
    </Modal>
  )
}
