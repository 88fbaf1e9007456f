import { Form, Input, Modal, Typography } from 'antd'
import { t } from '../../i18n'
import type { TextRange } from './ReviewContent'

export interface NoteValues {
  note: string
  correction?: string
}

/** Asks for the note on a selected range, or for a proofreading mark's correction. */
export function NoteModal({ range, kind, onSubmit, onClose }: { range: TextRange | null; kind: 'note' | 'mark'; onSubmit: (v: NoteValues) => void; onClose: () => void }) {
  const [form] = Form.useForm<NoteValues>()
  const isMark = kind === 'mark'
  return (
    <Modal
      open={range !== null}
      title={isMark ? t('review.markTitle') : t('review.noteTitle')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.confirm')}
      okButtonProps={{ 'data-testid': 'note-ok' }}
      destroyOnHidden
    >
      <Typography.Paragraph>
        <Typography.Text type="secondary">{t('review.quote')}</Typography.Text>「{range?.quote}」
      </Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={isMark ? { correction: range?.quote } : {}}
        onFinish={(v) => {
          onSubmit({ note: (v.note ?? '').trim(), correction: v.correction })
          onClose()
        }}
      >
        {isMark && (
          <Form.Item name="correction" label={t('review.correction')} rules={[{ required: true, message: t('review.correctionRequired') }]}>
            <Input maxLength={2000} autoFocus />
          </Form.Item>
        )}
        <Form.Item name="note" label={isMark ? t('review.markNote') : t('review.note')} rules={isMark ? [] : [{ required: true, whitespace: true, message: t('review.noteRequired') }]}>
          <Input.TextArea rows={3} maxLength={2000} autoFocus={!isMark} data-testid="note-text" />
        </Form.Item>
      </Form>
    </Modal>
  )
}
