import { Typography } from 'antd'
import { CheckCircleOutlined, ExclamationCircleOutlined, LoadingOutlined } from '@ant-design/icons'
import { formatDateTime } from '../../../lib/time'
import { t } from '../../../i18n'
import type { TextCount } from '../../../editor/count'
import type { AutosaveState } from './useAutosave'

/** The line under the editor: 字数, 字符数 and whether the text is safe on the server. */
export function EditorStatus({ counts, state, savedAt, isEditable }: { counts: TextCount; state: AutosaveState; savedAt: string | null; isEditable: boolean }) {
  return (
    <>
      <span data-testid="word-count">{t('editor.wordCount', { count: counts.wordCount })}</span>
      <span data-testid="char-count">{t('editor.charCount', { count: counts.charCount })}</span>
      {isEditable && (
        <span style={{ marginInlineStart: 'auto' }} data-testid="autosave-status" data-state={state} aria-live="polite">
          {state === 'saving' ? (
            <><LoadingOutlined /> {t('autosave.saving')}</>
          ) : state === 'pending' ? (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('autosave.pending')}</Typography.Text>
          ) : state === 'failed' ? (
            <Typography.Text type="danger" style={{ fontSize: 12 }}><ExclamationCircleOutlined /> {t('autosave.failed')}</Typography.Text>
          ) : savedAt ? (
            <Typography.Text className="rm-ok-text" style={{ fontSize: 12 }}><CheckCircleOutlined /> {t('autosave.saved', { time: formatDateTime(savedAt).slice(11) })}</Typography.Text>
          ) : null}
        </span>
      )}
    </>
  )
}
