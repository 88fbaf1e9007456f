import { Alert, Button, Card, Form, Input, Result, Space } from 'antd'
import { SafetyCertificateTwoTone } from '@ant-design/icons'
import { useMe, useTotpDisable } from '../../api/auth'
import { errorMessage } from '../../api/client'
import { useFeedback } from '../../components/feedback'
import { PageHeader } from '../../components/PageHeader'
import { FullPageSpin } from '../../components/QueryState'
import { t } from '../../i18n'
import { TotpEnrolment } from './TotpEnrolment'

export function TwoFactorPage() {
  const { data: me } = useMe()
  const disable = useTotpDisable()
  const feedback = useFeedback()
  if (!me) return <FullPageSpin />

  const onDisable = async ({ password }: { password: string }) => {
    try {
      await disable.mutateAsync(password)
      feedback.success(t('totp.disabled'))
    } catch (err) {
      feedback.error(err)
    }
  }

  return (
    <>
      <PageHeader title={t('totp.title')} description={t('totp.description')} />
      <Card style={{ maxWidth: 720 }}>
        {me.user.totpEnabled ? (
          <Space orientation="vertical" size="large" style={{ width: '100%' }}>
            <Result
              icon={<SafetyCertificateTwoTone twoToneColor="#52c41a" />}
              title={t('totp.statusOn')}
              subTitle={t('totp.statusOnHint')}
              style={{ padding: '16px 0' }}
            />
            <Alert type="warning" showIcon title={t('totp.disableWarning')} />
            {disable.error && <Alert type="error" showIcon title={errorMessage(disable.error)} />}
            <Form<{ password: string }> layout="inline" onFinish={onDisable} name="totp-disable">
              <Form.Item name="password" label={t('totp.disablePassword')} rules={[{ required: true, message: t('password.currentRequired') }]}>
                <Input.Password autoComplete="current-password" />
              </Form.Item>
              <Button danger htmlType="submit" loading={disable.isPending}>
                {t('totp.disable')}
              </Button>
            </Form>
          </Space>
        ) : (
          <TotpEnrolment />
        )}
      </Card>
    </>
  )
}
