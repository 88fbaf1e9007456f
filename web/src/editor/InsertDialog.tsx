import { useEffect } from 'react'
import { Form, Input, Modal } from 'antd'
import type { Editor } from '@tiptap/core'
import { t } from '../i18n'

export type InsertKind = 'link' | 'image'

interface Values {
  url: string
  alt?: string
}

// The story profile allows http(s) and our own paths; javascript: and data: never reach the server.
const URL_PATTERN = /^(https?:\/\/[^\s]+|\/[^\s]*|#[\w-]+)$/i

/** Link or image by URL, for the selection or at the cursor. */
export function InsertDialog({ editor, kind, onClose }: { editor: Editor; kind: InsertKind | null; onClose: () => void }) {
  const [form] = Form.useForm<Values>()
  const isLink = kind === 'link'

  useEffect(() => {
    if (kind) form.setFieldsValue({ url: isLink ? (editor.getAttributes('link').href ?? '') : '', alt: '' })
  }, [kind, isLink, editor, form])

  const onFinish = ({ url, alt }: Values) => {
    const href = url.trim()
    const chain = editor.chain().focus()
    if (isLink) {
      if (!href) chain.extendMarkRange('link').unsetLink().run()
      else if (editor.state.selection.empty && !editor.isActive('link')) chain.insertContent({ type: 'text', text: href, marks: [{ type: 'link', attrs: { href } }] }).run()
      else chain.extendMarkRange('link').setLink({ href }).run()
    } else {
      chain.setImage({ src: href, alt: alt?.trim() ?? '' }).run()
    }
    onClose()
  }

  return (
    <Modal
      open={kind !== null}
      title={isLink ? t('editor.linkTitle') : t('editor.imageTitle')}
      onCancel={onClose}
      onOk={() => form.submit()}
      destroyOnHidden
      okText={t('common.confirm')}
    >
      <Form form={form} layout="vertical" onFinish={onFinish} preserve={false}>
        <Form.Item
          name="url"
          label={isLink ? t('editor.linkUrl') : t('editor.imageUrl')}
          extra={isLink ? t('editor.linkHint') : t('editor.imageHint')}
          rules={[{ required: !isLink, message: t('editor.urlRequired') }, { pattern: URL_PATTERN, message: t('editor.urlInvalid') }]}
        >
          <Input autoFocus placeholder="https://" />
        </Form.Item>
        {!isLink && (
          <Form.Item name="alt" label={t('editor.imageAlt')} extra={t('editor.imageAltHint')}>
            <Input maxLength={200} />
          </Form.Item>
        )}
      </Form>
    </Modal>
  )
}
