import { useEffect } from 'react'
import { Alert, Button, Card, Col, Form, Input, InputNumber, Radio, Row, Select, Space, Switch, Typography } from 'antd'
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons'
import { stagePermissions, useSaveWorkflow, useWorkflow, type Workflow } from '../../api/review'
import { useFeedback } from '../../components/feedback'
import { PageHeader } from '../../components/PageHeader'
import { FullPageSpin, QueryError } from '../../components/QueryState'
import { formatDateTime } from '../../lib/time'
import { t, tOr } from '../../i18n'

type Values = Omit<Workflow, 'isDefault' | 'updatedAt' | 'updatedBy'>

const KEY_PATTERN = /^[a-z][a-z0-9_]{0,31}$/

/** 审核流程设置: the ordered stages, who acts at each, time limits, head sign-off, restarts, 校对 rounds. */
export function WorkflowSettingsPage() {
  const workflow = useWorkflow()
  const save = useSaveWorkflow()
  const feedback = useFeedback()
  const [form] = Form.useForm<Values>()

  useEffect(() => {
    if (workflow.data) form.setFieldsValue(workflow.data)
  }, [workflow.data, form])

  if (workflow.error) return <QueryError error={workflow.error} onRetry={() => void workflow.refetch()} />
  if (!workflow.data) return <FullPageSpin />

  const onFinish = (values: Values) => {
    // An emptied time limit means "no limit": leave the field out rather than send null.
    const stages = values.stages.map((s) => ({ ...s, name: s.name.trim(), timeLimitHours: s.timeLimitHours ?? undefined, requiresHeadSignoff: !!s.requiresHeadSignoff }))
    save.mutateAsync({ ...values, stages }).then(() => feedback.success(t('workflow.saved')), (err: unknown) => feedback.error(err))
  }

  return (
    <>
      <PageHeader title={t('nav.reviewWorkflow')} description={t('workflow.description')} />
      <Card>
        {workflow.data.isDefault ? (
          <Alert type="info" showIcon title={t('workflow.isDefault')} style={{ marginBottom: 16 }} />
        ) : (
          <Typography.Paragraph type="secondary">{t('workflow.updated', { at: formatDateTime(workflow.data.updatedAt ?? null) })}</Typography.Paragraph>
        )}
        <Form<Values> form={form} layout="vertical" onFinish={onFinish} name="workflow" requiredMark={false}>
          <Form.List
            name="stages"
            rules={[{ validator: async (_, list?: unknown[]) => { if (!list || list.length < 3) throw new Error(t('workflow.minStages')) } }]}
          >
            {(fields, { add, remove, move }, { errors }) => (
              <>
                {fields.map((field, index) => (
                  <Card key={field.key} size="small" style={{ marginBottom: 12 }} title={t('workflow.stageN', { n: index + 1 })}
                    extra={
                      <Space size={0}>
                        <Button type="text" size="small" icon={<ArrowUpOutlined />} disabled={index === 0} onClick={() => move(index, index - 1)} aria-label={t('workflow.moveUp')} />
                        <Button type="text" size="small" icon={<ArrowDownOutlined />} disabled={index === fields.length - 1} onClick={() => move(index, index + 1)} aria-label={t('workflow.moveDown')} />
                        <Button type="text" size="small" danger icon={<DeleteOutlined />} disabled={fields.length <= 3} onClick={() => remove(index)} aria-label={t('common.remove')} />
                      </Space>
                    }
                  >
                    <Row gutter={12}>
                      <Col xs={24} sm={12} md={5}>
                        <Form.Item name={[field.name, 'name']} label={t('workflow.stageName')} rules={[{ required: true, whitespace: true, max: 20 }]}>
                          <Input maxLength={20} />
                        </Form.Item>
                      </Col>
                      <Col xs={24} sm={12} md={4}>
                        <Form.Item name={[field.name, 'key']} label={t('workflow.stageKey')} rules={[{ required: true, pattern: KEY_PATTERN, message: t('workflow.keyRule') }]}>
                          <Input maxLength={32} />
                        </Form.Item>
                      </Col>
                      <Col xs={24} sm={12} md={7}>
                        <Form.Item name={[field.name, 'permission']} label={t('workflow.permission')} rules={[{ required: true }]}>
                          <Select options={stagePermissions.map((p) => ({ value: p, label: `${tOr(`workflow.perm.${p}`, p)}（${p}）` }))} />
                        </Form.Item>
                      </Col>
                      <Col xs={12} sm={6} md={4}>
                        <Form.Item name={[field.name, 'timeLimitHours']} label={t('workflow.timeLimit')}>
                          <InputNumber min={0.1} max={720} step={1} placeholder={t('workflow.noLimit')} suffix={t('policy.unitHours')} style={{ width: '100%' }} />
                        </Form.Item>
                      </Col>
                      <Col xs={12} sm={6} md={4}>
                        <Form.Item name={[field.name, 'requiresHeadSignoff']} label={t('workflow.headSignoff')} valuePropName="checked" tooltip={t('workflow.headSignoffHint')}>
                          <Switch />
                        </Form.Item>
                      </Col>
                    </Row>
                  </Card>
                ))}
                <Form.ErrorList errors={errors} />
                <Button icon={<PlusOutlined />} disabled={fields.length >= 8} onClick={() => add({ key: `stage${fields.length + 1}`, name: '', permission: 'story.review.final' })} style={{ marginBottom: 16 }}>
                  {t('workflow.addStage')}
                </Button>
              </>
            )}
          </Form.List>
          <Form.Item name="restartPolicy" label={t('workflow.restartPolicy')} extra={t('workflow.restartHint')}>
            <Radio.Group options={[{ value: 'from_start', label: t('workflow.restart.from_start') }, { value: 'from_changed_stage', label: t('workflow.restart.from_changed_stage') }]} />
          </Form.Item>
          <Form.Item name="proofreadRoundsRequired" label={t('workflow.proofreadRounds')} extra={t('workflow.proofreadHint')}>
            <InputNumber min={0} max={3} precision={0} style={{ width: 120 }} data-testid="workflow-rounds" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="workflow-save">{t('common.save')}</Button>
        </Form>
      </Card>
    </>
  )
}
