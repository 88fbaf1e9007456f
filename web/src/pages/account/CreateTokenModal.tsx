import { DatePicker, Form, Input, Modal } from 'antd'
import type { Dayjs } from 'dayjs'
import { useCreateToken, useMe } from '../../api/auth'
import { usePermissionCatalogue } from '../../api/roles'
import { useFeedback } from '../../components/feedback'
import { PermissionChecklist } from '../../components/PermissionChecklist'
import { shanghaiDayEnd } from '../../lib/time'
import { t } from '../../i18n'

interface Values {
  name: string
  scopes: string[]
  expiresOn?: Dayjs | null
}

interface Props {
  open: boolean
  onClose: () => void
  onCreated: (token: string) => void
}

/** A token can only carry permissions its owner holds in the acting tenant. */
export function CreateTokenModal({ open, onClose, onCreated }: Props) {
  const [form] = Form.useForm<Values>()
  const { data: me } = useMe()
  const catalogue = usePermissionCatalogue()
  const create = useCreateToken()
  const feedback = useFeedback()
  const mine = new Set(me?.permissions ?? [])
  const choosable = (catalogue.data ?? []).filter((p) => mine.has(p.code))
  // Permissions the catalogue does not list still belong to the user; show them by code.
  const extra = [...mine].filter((c) => !choosable.some((p) => p.code === c)).map((code) => ({ code, group: 'other', name: code }))

  const submit = async () => {
    const values = await form.validateFields().catch(() => null)
    if (!values) return // the form shows what is missing
    try {
      const created = await create.mutateAsync({
        name: values.name.trim(),
        scopes: values.scopes,
        expiresAt: values.expiresOn
          ? shanghaiDayEnd(values.expiresOn.year(), values.expiresOn.month() + 1, values.expiresOn.date())
          : undefined,
      })
      form.resetFields()
      onCreated(created.token)
    } catch (err) {
      feedback.error(err)
    }
  }

  return (
    <Modal
      open={open}
      title={t('tokens.create')}
      onCancel={onClose}
      onOk={submit}
      okText={t('tokens.createOk')}
      confirmLoading={create.isPending}
      width={720}
      destroyOnHidden
    >
      <Form<Values> form={form} layout="vertical" requiredMark="optional" name="create-token">
        <Form.Item name="name" label={t('tokens.name')} extra={t('tokens.nameHint')} rules={[{ required: true, whitespace: true, max: 60, message: t('tokens.nameRequired') }]}>
          <Input maxLength={60} />
        </Form.Item>
        <Form.Item name="expiresOn" label={t('tokens.expiresOn')} extra={t('tokens.expiresHint')}>
          <DatePicker disabledDate={(d) => d.isBefore(new Date(), 'day')} style={{ width: 220 }} />
        </Form.Item>
        <Form.Item
          name="scopes"
          label={t('tokens.scopes')}
          extra={t('tokens.scopesHint')}
          rules={[{ required: true, type: 'array', min: 1, message: t('tokens.scopesRequired') }]}
        >
          <PermissionChecklist permissions={[...choosable, ...extra]} />
        </Form.Item>
      </Form>
    </Modal>
  )
}
