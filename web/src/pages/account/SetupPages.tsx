import type { ReactNode } from 'react'
import { Alert, Button, Card, Typography } from 'antd'
import { useQueryClient } from '@tanstack/react-query'
import { Navigate, useNavigate } from 'react-router-dom'
import { fetchMe, logout, meKey, useMe } from '../../api/auth'
import { setCsrfToken } from '../../api/client'
import { Brand } from '../../layout/Brand'
import { t } from '../../i18n'
import { ChangePasswordForm } from './ChangePasswordForm'
import { TotpEnrolment } from './TotpEnrolment'

/** The frame for steps a new account must finish before the console opens. */
function SetupFrame({ title, description, children }: { title: string; description: string; children: ReactNode }) {
  const navigate = useNavigate()
  const qc = useQueryClient()
  const signOut = async () => {
    await logout().catch(() => undefined)
    setCsrfToken(null)
    qc.clear()
    navigate('/login', { replace: true })
  }
  return (
    <div className="rm-auth-screen">
      <Card className="rm-auth-card" style={{ maxWidth: 520 }} styles={{ body: { padding: '28px 28px 20px' } }}>
        <Brand />
        <Typography.Title level={4} style={{ marginTop: 20 }}>
          {title}
        </Typography.Title>
        <Alert type="info" showIcon title={description} style={{ marginBottom: 20 }} />
        {children}
        <div style={{ textAlign: 'right', marginTop: 12 }}>
          <Button type="link" onClick={signOut}>
            {t('userMenu.logout')}
          </Button>
        </div>
      </Card>
    </div>
  )
}

/** After one setup step, go to the next one the server still asks for, or into the console. */
function useContinue() {
  const qc = useQueryClient()
  const navigate = useNavigate()
  return async () => {
    const me = await qc.fetchQuery({ queryKey: meKey, queryFn: fetchMe, staleTime: 0 })
    if (me.mustChangePassword) navigate('/setup/password', { replace: true })
    else if (me.mustEnrolTotp) navigate('/setup/totp', { replace: true })
    else navigate('/', { replace: true })
  }
}

export function SetupPasswordPage() {
  const { data: me } = useMe()
  const next = useContinue()
  if (me && !me.mustChangePassword) return <Navigate to={me.mustEnrolTotp ? '/setup/totp' : '/'} replace />
  return (
    <SetupFrame title={t('setup.passwordTitle')} description={t('setup.passwordDescription')}>
      <ChangePasswordForm onDone={next} currentLabel={t('setup.currentPassword')} />
    </SetupFrame>
  )
}

export function SetupTotpPage() {
  const { data: me } = useMe()
  const next = useContinue()
  if (me && me.mustChangePassword) return <Navigate to="/setup/password" replace />
  if (me && !me.mustEnrolTotp) return <Navigate to="/" replace />
  return (
    <SetupFrame title={t('setup.totpTitle')} description={t('setup.totpDescription')}>
      <TotpEnrolment onDone={next} />
    </SetupFrame>
  )
}
