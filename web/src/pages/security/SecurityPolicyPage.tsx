import { Alert, Button, Card, Col, Divider, Form, InputNumber, Row, Space } from 'antd'
import { ApiError } from '../../api/client'
import { useSaveSecurityPolicy, useSecurityPolicy } from '../../api/security'
import type { SecurityPolicy } from '../../api/types'
import { useFeedback } from '../../components/feedback'
import { PageHeader } from '../../components/PageHeader'
import { QueryError } from '../../components/QueryState'
import { t, type MessageKey } from '../../i18n'

interface Field {
  name: keyof SecurityPolicy
  min: number
  max: number
  unit?: MessageKey
}

const sections: { title: MessageKey; fields: Field[] }[] = [
  {
    title: 'policy.sectionPassword',
    fields: [
      { name: 'minLength', min: 8, max: 128, unit: 'policy.unitChars' },
      { name: 'requiredClasses', min: 1, max: 4, unit: 'policy.unitClasses' },
      { name: 'historySize', min: 0, max: 24, unit: 'policy.unitPasswords' },
      { name: 'maxAgeDays', min: 0, max: 3650, unit: 'policy.unitDays' },
    ],
  },
  {
    title: 'policy.sectionLockout',
    fields: [
      { name: 'lockoutThreshold', min: 3, max: 20, unit: 'policy.unitTimes' },
      { name: 'lockoutMinutes', min: 1, max: 1440, unit: 'policy.unitMinutes' },
    ],
  },
  {
    title: 'policy.sectionSession',
    fields: [
      { name: 'idleTimeoutMinutes', min: 5, max: 1440, unit: 'policy.unitMinutes' },
      { name: 'absoluteTimeoutHours', min: 1, max: 720, unit: 'policy.unitHours' },
    ],
  },
]

export function SecurityPolicyPage() {
  const policy = useSecurityPolicy()
  const save = useSaveSecurityPolicy()
  const feedback = useFeedback()
  const [form] = Form.useForm<SecurityPolicy>()

  const onFinish = async (values: SecurityPolicy) => {
    try {
      await save.mutateAsync(values)
      feedback.success(t('policy.saved'))
    } catch (err) {
      const byField = err instanceof ApiError ? err.fieldErrors : {}
      const names = Object.keys(byField).filter((k) => k in values) as (keyof SecurityPolicy)[]
      if (names.length) form.setFields(names.map((name) => ({ name, errors: byField[name] })))
      else feedback.error(err)
    }
  }

  return (
    <>
      <PageHeader title={t('nav.security')} description={t('policy.description')} />
      <Alert type="info" showIcon title={t('policy.mlpsHint')} style={{ marginBottom: 16 }} />
      <Card loading={policy.isPending}>
        {policy.error ? (
          <QueryError error={policy.error} onRetry={() => void policy.refetch()} />
        ) : (
          policy.data && (
            <Form<SecurityPolicy> form={form} layout="vertical" initialValues={policy.data} onFinish={onFinish} name="security-policy">
              {sections.map((section, i) => (
                <div key={section.title}>
                  {i > 0 && <Divider />}
                  <h3 style={{ marginTop: 0 }}>{t(section.title)}</h3>
                  <Row gutter={24}>
                    {section.fields.map((f) => (
                      <Col key={f.name} xs={24} md={12} xl={6}>
                        <Form.Item
                          name={f.name}
                          label={t(`policy.${f.name}`)}
                          extra={t(`policy.${f.name}Hint`)}
                          rules={[{ required: true, type: 'integer', min: f.min, max: f.max, message: t('policy.range', { min: f.min, max: f.max }) }]}
                        >
                          <InputNumber
                            min={f.min}
                            max={f.max}
                            precision={0}
                            suffix={f.unit ? t(f.unit) : undefined}
                            style={{ width: '100%' }}
                          />
                        </Form.Item>
                      </Col>
                    ))}
                  </Row>
                </div>
              ))}
              <Space>
                <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="policy-save">
                  {t('common.save')}
                </Button>
                <Button onClick={() => form.resetFields()}>{t('policy.revert')}</Button>
              </Space>
            </Form>
          )
        )}
      </Card>
    </>
  )
}
