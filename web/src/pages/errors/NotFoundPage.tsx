import { Button, Result } from 'antd'
import { useNavigate } from 'react-router-dom'
import { t } from '../../i18n'

export function NotFoundPage() {
  const navigate = useNavigate()
  return (
    <Result
      status="404"
      title={t('notFound.title')}
      subTitle={t('notFound.subtitle')}
      extra={
        <Button type="primary" onClick={() => navigate('/')}>
          {t('common.backHome')}
        </Button>
      }
    />
  )
}
