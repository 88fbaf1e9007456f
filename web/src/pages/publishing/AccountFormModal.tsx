import type { ButtonProps } from 'antd'
import { useState } from 'react'
import { Alert, Button, Form, Input, InputNumber, Modal, Select, Space, Tag, Typography } from 'antd'
import { ApiError } from '../../api/client'
import { builtChannels, useSaveAccount, type Account, type AccountInput, type BuiltChannel } from '../../api/publishing'
import { useFeedback } from '../../components/feedback'
import { t, tOr } from '../../i18n'
import { channelName } from './shared'

/**
 * The fields each channel asks for, as the server's adapters declare them
 * (server/src/modules/publishing/channels/*.ts `fields`). An existing account reports its own
 * lists, which win; these are for a new account, before the server has said anything.
 */
const channelFields: Record<BuiltChannel, { credentials: string[]; required: string[]; settings: string[] }> = {
  website: { credentials: [], required: [], settings: [] },
  rss: { credentials: [], required: [], settings: [] },
  webhook: { credentials: ['secret'], required: ['secret'], settings: ['url'] },
  wechat_oa: { credentials: ['appId', 'appSecret', 'callbackToken'], required: ['appId', 'appSecret'], settings: ['apiBase'] },
  weibo: { credentials: ['accessToken'], required: ['accessToken'], settings: ['safeDomain', 'apiBase'] },
}
/** Settings without which the channel cannot send (the adapters refuse to publish without them). */
const requiredSettings: Partial<Record<BuiltChannel, string[]>> = { webhook: ['url'], weibo: ['safeDomain'] }

const fieldLabel = (name: string) => tOr(`pub.field.${name}`, name)

interface FormValues {
  channel: BuiltChannel
  name: string
  rateLimitPerMinute?: number
  settings?: Record<string, string>
  credentials?: Record<string, string>
}

interface Props {
  account: Account | null
  onClose: () => void
}

/** Creates or edits an account. Credentials are write-only: a set one shows "已设置" and can be replaced. */
export function AccountFormModal({ account, onClose }: Props) {
  const [form] = Form.useForm<FormValues>()
  const save = useSaveAccount()
  const feedback = useFeedback()
  const [replacing, setReplacing] = useState<Set<string>>(new Set())
  const [formError, setFormError] = useState<string | null>(null)
  const channel = (Form.useWatch('channel', form) ?? account?.channel ?? 'webhook') as BuiltChannel
  const fields = channelFields[channel] ?? { credentials: account?.credentialFieldsAvailable ?? [], required: [], settings: account?.settingFieldsAvailable ?? [] }
  const credentialNames = account ? account.credentialFieldsAvailable : fields.credentials
  const settingNames = account ? account.settingFieldsAvailable : fields.settings
  const isSet = (name: string) => account?.credentialFields.includes(name) ?? false

  async function submit(values: FormValues) {
    setFormError(null)
    const credentials: Record<string, string> = {}
    for (const name of credentialNames) {
      const value = values.credentials?.[name]
      // An untouched "已设置" field is left out so the stored secret stays as it is.
      if (isSet(name) && !replacing.has(name)) continue
      if (value !== undefined && value !== '') credentials[name] = value
    }
    const settings: Record<string, string> = {}
    for (const name of settingNames) settings[name] = (values.settings?.[name] ?? '').trim()
    const input: AccountInput = {
      name: values.name.trim(),
      ...(settingNames.length ? { settings } : {}),
      ...(Object.keys(credentials).length ? { credentials } : {}),
      ...(values.rateLimitPerMinute ? { rateLimitPerMinute: values.rateLimitPerMinute } : {}),
      ...(account ? {} : { channel: values.channel }),
    }
    try {
      await save.mutateAsync({ id: account?.id, input })
      feedback.success(t('pub.accounts.saved'))
      onClose()
    } catch (err) {
      if (err instanceof ApiError) {
        const byField = err.fieldErrors
        form.setFields(Object.entries(byField).map(([name, errors]) => ({ name: name.split('.') as never, errors })))
        setFormError(err.message)
      } else feedback.error(err)
    }
  }

  return (
    <Modal
      open
      title={account ? t('pub.accounts.editTitle', { name: account.name }) : t('pub.accounts.createTitle')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      okButtonProps={{ loading: save.isPending, 'data-testid': 'account-save' } as ButtonProps}
      destroyOnHidden
      width={560}
    >
      <Form<FormValues>
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{
          channel: account?.channel ?? 'webhook',
          name: account?.name ?? '',
          rateLimitPerMinute: account?.rateLimitPerMinute,
          settings: Object.fromEntries(Object.entries(account?.settings ?? {}).map(([k, v]) => [k, String(v ?? '')])),
        }}
      >
        {formError && <Alert type="error" showIcon title={formError} style={{ marginBottom: 16 }} />}
        <Form.Item name="channel" label={t('pub.accounts.channel')} rules={[{ required: true }]}>
          <Select
            disabled={Boolean(account)}
            data-testid="account-channel"
            options={builtChannels.map((c) => ({ value: c, label: channelName(c) }))}
          />
        </Form.Item>
        <Form.Item name="name" label={t('pub.accounts.name')} rules={[{ required: true, whitespace: true, message: t('pub.accounts.nameRequired') }, { max: 100 }]}>
          <Input maxLength={100} data-testid="account-name" />
        </Form.Item>
        {credentialNames.length === 0 && settingNames.length === 0 && <Alert type="info" showIcon title={t('pub.accounts.noFields')} style={{ marginBottom: 16 }} />}
        {settingNames.map((name) => (
          <Form.Item
            key={`s-${name}`}
            name={['settings', name]}
            label={fieldLabel(name)}
            rules={requiredSettings[channel]?.includes(name) ? [{ required: true, whitespace: true, message: t('pub.accounts.fieldRequired', { name: fieldLabel(name) }) }] : []}
          >
            <Input maxLength={4000} data-testid={`account-setting-${name}`} />
          </Form.Item>
        ))}
        {credentialNames.length > 0 && <Typography.Title level={5}>{t('pub.accounts.credentials')}</Typography.Title>}
        {credentialNames.map((name) => {
          const isRequired = fields.required.includes(name)
          if (isSet(name) && !replacing.has(name)) {
            return (
              <Form.Item key={`c-${name}`} label={fieldLabel(name)}>
                <Space>
                  <Tag color="success" data-testid={`credential-set-${name}`}>{t('pub.accounts.credentialSet')}</Tag>
                  <Button size="small" onClick={() => setReplacing(new Set([...replacing, name]))} data-testid={`credential-replace-${name}`}>
                    {t('pub.accounts.credentialReplace')}
                  </Button>
                </Space>
              </Form.Item>
            )
          }
          return (
            <Form.Item
              key={`c-${name}`}
              name={['credentials', name]}
              label={fieldLabel(name)}
              rules={isRequired && !isSet(name) ? [{ required: true, message: t('pub.accounts.fieldRequired', { name: fieldLabel(name) }) }] : []}
              extra={isSet(name) ? (
                <Button type="link" size="small" style={{ padding: 0 }} onClick={() => { const next = new Set(replacing); next.delete(name); setReplacing(next); form.setFieldValue(['credentials', name], undefined) }}>
                  {t('pub.accounts.credentialKeep')}
                </Button>
              ) : undefined}
            >
              <Input.Password autoComplete="new-password" placeholder={isSet(name) ? t('pub.accounts.credentialPlaceholder') : undefined} maxLength={4000} data-testid={`account-credential-${name}`} />
            </Form.Item>
          )
        })}
        <Form.Item name="rateLimitPerMinute" label={t('pub.accounts.rateLimit')}>
          <InputNumber min={1} max={10000} style={{ width: 160 }} />
        </Form.Item>
      </Form>
    </Modal>
  )
}
