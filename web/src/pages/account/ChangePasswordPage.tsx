import { Card } from 'antd'
import { PageHeader } from '../../components/PageHeader'
import { t } from '../../i18n'
import { ChangePasswordForm } from './ChangePasswordForm'

export function ChangePasswordPage() {
  return (
    <>
      <PageHeader title={t('password.title')} description={t('password.description')} />
      <Card style={{ maxWidth: 560 }}>
        <ChangePasswordForm />
      </Card>
    </>
  )
}
