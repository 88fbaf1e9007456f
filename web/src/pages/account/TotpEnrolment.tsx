import { Alert, Button, Form, Input, Space, Steps, Typography } from 'antd'
import { QrcodeOutlined } from '@ant-design/icons'
import { useTotpEnable, useTotpSetup } from '../../api/auth'
import { ApiError, errorMessage } from '../../api/client'
import { useFeedback } from '../../components/feedback'
import { t } from '../../i18n'

/** Groups the base32 secret in fours so it can be typed by hand without losing one's place. */
function groupSecret(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ')
}

/** Scan, confirm with a code, done. The QR arrives as SVG markup and is shown as an image so it cannot run script. */
export function TotpEnrolment({ onDone }: { onDone?: () => void }) {
  const setup = useTotpSetup()
  const enable = useTotpEnable()
  const feedback = useFeedback()
  const [form] = Form.useForm<{ otp: string }>()
  const data = setup.data

  const onEnable = async ({ otp }: { otp: string }) => {
    try {
      await enable.mutateAsync(otp)
      feedback.success(t('totp.enabled'))
      onDone?.()
    } catch (err) {
      form.setFields([{ name: 'otp', value: '', errors: [err instanceof ApiError ? err.message : errorMessage(err)] }])
    }
  }

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Steps
        size="small"
        current={data ? 1 : 0}
        items={[{ title: t('totp.stepInstall') }, { title: t('totp.stepScan') }, { title: t('totp.stepVerify') }]}
      />
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('totp.intro')}
      </Typography.Paragraph>
      {!data && (
        <>
          {setup.error && <Alert type="error" showIcon title={errorMessage(setup.error)} />}
          <Button type="primary" icon={<QrcodeOutlined />} loading={setup.isPending} onClick={() => setup.mutate()} data-testid="totp-start">
            {t('totp.start')}
          </Button>
        </>
      )}
      {data && (
        <>
          <div style={{ display: 'flex', flexWrap: 'wrap', gap: 24, alignItems: 'center' }}>
            <img
              src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(data.qrSvg)}`}
              alt={t('totp.qrAlt')}
              width={192}
              height={192}
              style={{ border: '1px solid #f0f0f0', borderRadius: 8, padding: 8, background: '#fff' }}
              data-testid="totp-qr"
            />
            <div style={{ flex: '1 1 220px', minWidth: 0 }}>
              <Typography.Text type="secondary">{t('totp.manualEntry')}</Typography.Text>
              <Typography.Paragraph copyable={{ text: data.secret }} code style={{ marginTop: 8, wordBreak: 'break-all' }} data-testid="totp-secret">
                {groupSecret(data.secret)}
              </Typography.Paragraph>
            </div>
          </div>
          <Form<{ otp: string }> form={form} layout="vertical" onFinish={onEnable} requiredMark={false} name="totp-enable">
            <Form.Item
              name="otp"
              label={t('totp.code')}
              extra={t('totp.codeHint')}
              rules={[{ required: true, pattern: /^\d{6}$/, message: t('otp.invalidFormat') }]}
            >
              <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} style={{ maxWidth: 200, letterSpacing: 6 }} data-testid="totp-code" />
            </Form.Item>
            <Space>
              <Button type="primary" htmlType="submit" loading={enable.isPending} data-testid="totp-enable">
                {t('totp.enable')}
              </Button>
              <Button onClick={() => setup.mutate()} loading={setup.isPending}>
                {t('totp.regenerate')}
              </Button>
            </Space>
          </Form>
        </>
      )}
    </Space>
  )
}
