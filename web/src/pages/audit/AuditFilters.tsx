import { AutoComplete, Button, DatePicker, Form, Input, Select, Space } from 'antd'
import { SearchOutlined } from '@ant-design/icons'
import type { Dayjs } from 'dayjs'
import type { AuditFilters as Filters } from '../../api/audit'
import type { AuditOutcome } from '../../api/types'
import { t } from '../../i18n'
import { knownActions } from './auditColumns'

interface Values {
  action?: string
  actor?: string
  outcome?: AuditOutcome
  range?: [Dayjs | null, Dayjs | null] | null
}

// What the server accepts: an action code, or a prefix ending in * (auth.*).
const ACTION_PATTERN = /^[a-z0-9_.-]+\*?$/

/**
 * Bare dates: the server reads a date alone as that whole calendar day in Asia/Shanghai (and `to`
 * as including its day), which is what someone picking days means, whatever zone the browser is in.
 */
function toFilters(values: Values): Filters {
  const [start, end] = values.range ?? [null, null]
  return {
    action: values.action?.trim() || undefined,
    actor: values.actor?.trim() || undefined,
    outcome: values.outcome || undefined,
    from: start ? start.format('YYYY-MM-DD') : undefined,
    to: end ? end.format('YYYY-MM-DD') : undefined,
  }
}

const actionOptions = [
  ...knownActions().map(({ code, label }) => ({ value: code, label: `${label}（${code}）` })),
  { value: 'auth.*', label: t('audit.actionPrefixExample') },
]

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
      <Form.Item
        name="action"
        label={t('audit.action')}
        normalize={(v?: string) => v?.trim().toLowerCase()}
        rules={[{ pattern: ACTION_PATTERN, message: t('audit.actionInvalid') }]}
      >
        <AutoComplete
          allowClear
          options={actionOptions}
          placeholder={t('audit.actionPlaceholder')}
          style={{ width: 200 }}
          popupMatchSelectWidth={300}
          showSearch={{
            filterOption: (input, option) =>
              !!option && `${option.value} ${option.label}`.toLowerCase().includes(input.toLowerCase()),
          }}
        />
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
