import { useEffect, useState } from 'react'
import { Alert, Button, Card, Form, Input, Typography } from 'antd'
import { LockOutlined, SafetyOutlined, UserOutlined } from '@ant-design/icons'
import { useQueryClient } from '@tanstack/react-query'
import { useLocation, useNavigate } from 'react-router-dom'
import { login, type LoginInput } from '../../api/auth'
import { ApiError, errorMessage, setCsrfToken } from '../../api/client'
import { keepTenantOnlyFor } from '../../api/tenantStore'
import { Brand } from '../../layout/Brand'
import { t } from '../../i18n'

type Step = 'credentials' | 'otp'

export function LoginPage() {
  const navigate = useNavigate()
  const location = useLocation()
  const qc = useQueryClient()
  const [step, setStep] = useState<Step>('credentials')
  const [credentials, setCredentials] = useState<LoginInput | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [isSubmitting, setSubmitting] = useState(false)
  const [otpForm] = Form.useForm<{ otp: string }>()

  // Whatever was cached belonged to the previous session.
  useEffect(() => {
    qc.removeQueries()
  }, [qc])

  const from = (location.state as { from?: string } | null)?.from

  const submit = async (input: LoginInput) => {
    setSubmitting(true)
    setError(null)
    try {
      const reply = await login(input)
      setCsrfToken(reply.csrfToken)
      keepTenantOnlyFor(reply.user.id)
      qc.removeQueries()
      if (reply.mustChangePassword) navigate('/setup/password', { replace: true })
      else if (reply.mustEnrolTotp) navigate('/setup/totp', { replace: true })
      else navigate(from && !from.startsWith('/login') ? from : '/', { replace: true })
    } catch (err) {
      if (err instanceof ApiError && err.code === 'AUTH_OTP_REQUIRED') {
        setCredentials(input)
        setStep('otp')
      } else {
        setError(errorMessage(err))
        if (err instanceof ApiError && err.code === 'AUTH_OTP_INVALID') otpForm.resetFields()
      }
    } finally {
      setSubmitting(false)
    }
  }

  const backToCredentials = () => {
    setStep('credentials')
    setCredentials(null)
    setError(null)
    otpForm.resetFields()
  }

  return (
    <div className="rm-auth-screen">
      <Card className="rm-auth-card" styles={{ body: { padding: '32px 28px' } }}>
        <div style={{ display: 'flex', justifyContent: 'center', marginBottom: 8 }}>
          <Brand />
        </div>
        <Typography.Paragraph type="secondary" style={{ textAlign: 'center', marginBottom: 24 }}>
          {step === 'credentials' ? t('login.subtitle') : t('login.otpSubtitle')}
        </Typography.Paragraph>
        {error && (
          <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" data-testid="login-error" />
        )}
        {step === 'credentials' ? (
          <Form<LoginInput> layout="vertical" requiredMark={false} onFinish={submit} size="large" name="login">
            <Form.Item name="username" label={t('login.username')} rules={[{ required: true, message: t('login.usernameRequired') }]}>
              <Input prefix={<UserOutlined />} autoComplete="username" autoFocus data-testid="login-username" />
            </Form.Item>
            <Form.Item name="password" label={t('login.password')} rules={[{ required: true, message: t('login.passwordRequired') }]}>
              <Input.Password prefix={<LockOutlined />} autoComplete="current-password" data-testid="login-password" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={isSubmitting} data-testid="login-submit">
              {t('login.submit')}
            </Button>
          </Form>
        ) : (
          <Form<{ otp: string }>
            form={otpForm}
            layout="vertical"
            requiredMark={false}
            size="large"
            name="login-otp"
            onFinish={({ otp }) => credentials && submit({ ...credentials, otp })}
          >
            <Form.Item
              name="otp"
              label={t('login.otp')}
              extra={t('login.otpHint')}
              rules={[{ required: true, pattern: /^\d{6}$/, message: t('otp.invalidFormat') }]}
            >
              <Input
                prefix={<SafetyOutlined />}
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={6}
                autoFocus
                style={{ letterSpacing: 6 }}
                data-testid="login-otp"
              />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={isSubmitting} data-testid="login-otp-submit">
              {t('login.verify')}
            </Button>
            <Button type="link" block onClick={backToCredentials} style={{ marginTop: 8 }}>
              {t('login.back')}
            </Button>
          </Form>
        )}
        <Typography.Paragraph type="secondary" style={{ textAlign: 'center', fontSize: 12, margin: '24px 0 0' }}>
          {t('login.footer')}
        </Typography.Paragraph>
      </Card>
    </div>
  )
}
