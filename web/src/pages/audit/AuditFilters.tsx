import { Button, DatePicker, Form, Input, Select, Space } from 'antd'
import { SearchOutlined } from '@ant-design/icons'
import type { Dayjs } from 'dayjs'
import type { AuditFilters as Filters } from '../../api/audit'
import type { AuditOutcome } from '../../api/types'
import { shanghaiDayEnd, shanghaiDayStart } from '../../lib/time'
import { t } from '../../i18n'

interface Values {
  action?: string
  actor?: string
  outcome?: AuditOutcome
  range?: [Dayjs | null, Dayjs | null] | null
}

/** Days are picked as calendar days in Shanghai, whatever zone the browser runs in. */
function toFilters(values: Values): Filters {
  const [start, end] = values.range ?? [null, null]
  return {
    action: values.action?.trim() || undefined,
    actor: values.actor?.trim() || undefined,
    outcome: values.outcome || undefined,
    from: start ? shanghaiDayStart(start.year(), start.month() + 1, start.date()) : undefined,
    to: end ? shanghaiDayEnd(end.year(), end.month() + 1, end.date()) : undefined,
  }
}

export function AuditFilters({ onChange }: { onChange: (filters: Filters) => void }) {
  const [form] = Form.useForm<Values>()
  return (
    <Form<Values>
      form={form}
      layout="inline"
      name="audit-filters"
      onFinish={(values) => onChange(toFilters(values))}
      style={{ rowGap: 12, marginBottom: 16 }}
    >
      <Form.Item name="action" label={t('audit.action')}>
        <Input allowClear placeholder={t('audit.actionPlaceholder')} style={{ width: 180 }} />
      </Form.Item>
      <Form.Item name="actor" label={t('audit.actor')}>
        <Input allowClear placeholder={t('audit.actorPlaceholder')} style={{ width: 150 }} />
      </Form.Item>
      <Form.Item name="outcome" label={t('audit.outcome')}>
        <Select
          allowClear
          placeholder={t('common.all')}
          style={{ width: 110 }}
          options={(['success', 'failure', 'denied'] as const).map((o) => ({ value: o, label: t(`audit.outcome.${o}`) }))}
        />
      </Form.Item>
      <Form.Item name="range" label={t('audit.range')}>
        <DatePicker.RangePicker allowEmpty={[true, true]} style={{ width: 260 }} />
      </Form.Item>
      <Form.Item>
        <Space>
          <Button type="primary" htmlType="submit" icon={<SearchOutlined />} data-testid="audit-search">
            {t('common.search')}
          </Button>
          <Button
            onClick={() => {
              form.resetFields()
              onChange({})
            }}
          >
            {t('common.reset')}
          </Button>
        </Space>
      </Form.Item>
    </Form>
  )
}
