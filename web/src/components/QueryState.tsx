import { Alert, Button, Result, Spin } from 'antd'
import { ApiError, errorMessage } from '../api/client'
import { t } from '../i18n'

export function FullPageSpin() {
  return (
    <div style={{ minHeight: '60vh', display: 'flex', alignItems: 'center', justifyContent: 'center' }}>
      <Spin size="large" description={t('common.loading')} />
    </div>
  )
}

interface ErrorProps {
  error: unknown
  onRetry?: () => void
}

/** A failed load: a permission refusal reads differently from an outage. */
export function QueryError({ error, onRetry }: ErrorProps) {
  if (error instanceof ApiError && error.status === 403) {
    return <Result status="403" title={t('forbidden.title')} subTitle={errorMessage(error)} />
  }
  return (
    <Alert
      type="error"
      showIcon
      title={t('common.loadFailed')}
      description={errorMessage(error)}
      action={
        onRetry && (
          <Button size="small" onClick={onRetry}>
            {t('common.retry')}
          </Button>
        )
      }
    />
  )
}
