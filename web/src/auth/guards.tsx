import { useEffect } from 'react'
import { Button, Result } from 'antd'
import { Navigate, Outlet, useLocation } from 'react-router-dom'
import { useMe } from '../api/auth'
import { ApiError, errorMessage } from '../api/client'
import { clearTenantSlug, getTenantSlug } from '../api/tenantStore'
import { FullPageSpin } from '../components/QueryState'
import { t } from '../i18n'

/** Loads the session (/me); without one the user goes to the login page. */
export function RequireSession() {
  const location = useLocation()
  const me = useMe()
  const error = me.error
  // A remembered tenant the user lost access to would lock them out; fall back to the default one.
  const isStaleTenant = error instanceof ApiError && [403, 404].includes(error.status) && !!getTenantSlug()
  const { refetch } = me
  useEffect(() => {
    if (isStaleTenant) {
      clearTenantSlug()
      void refetch()
    }
  }, [isStaleTenant, refetch])

  if (me.isPending || isStaleTenant) return <FullPageSpin />
  if (error) {
    if (error instanceof ApiError && error.status === 401) {
      return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />
    }
    return (
      <Result
        status="error"
        title={t('session.loadFailed')}
        subTitle={errorMessage(error)}
        extra={
          <Button type="primary" onClick={() => void refetch()}>
            {t('common.retry')}
          </Button>
        }
      />
    )
  }
  return <Outlet />
}

/** Sends users who still owe a password change or a TOTP enrolment to finish that first. */
export function RequireAccountReady() {
  const { data: me } = useMe()
  if (me?.mustChangePassword) return <Navigate to="/setup/password" replace />
  if (me?.mustEnrolTotp) return <Navigate to="/setup/totp" replace />
  return <Outlet />
}
