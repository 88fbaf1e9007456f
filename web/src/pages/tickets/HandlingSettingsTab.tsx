import { useState } from 'react'
import type { FormInstance, FormRule } from 'antd'
import { Alert, Button, Col, Divider, Form, Input, InputNumber, Row, Skeleton, Space, Switch, Table, Tag, Typography } from 'antd'
import { ApiError } from '../../api/client'
import {
  clockKinds, ticketSettingsLimits as limits, useSaveTicketSettings, useTicketSettings,
  type ClockDays, type ClockKind, type TicketSettings, type TicketSettingsInput,
} from '../../api/tickets'
import { usePermissions } from '../../auth/permissions'
import { QueryError } from '../../components/QueryState'
import { useFeedback } from '../../components/feedback'
import { t, type MessageKey } from '../../i18n'
import { kindName } from './shared'

type NumberField = 'reopenLimit' | 'reminderLeadHours' | 'escalationDelayWorkingDays' | 'autoCloseWorkingDays' | 'duplicateWindowMinutes' | 'similarWindowDays' | 'phoneDailyLimit'
type FlagField = 'isReplyReviewRequired' | 'isPhoneVerificationRequired'
const clockFields: Array<keyof ClockDays> = ['signFor', 'firstResponse', 'final']
const scalarFields = [
  'isReplyReviewRequired', 'reopenLimit', 'reminderLeadHours', 'escalationDelayWorkingDays', 'autoCloseWorkingDays', 'duplicateWindowMinutes',
  'similarWindowDays', 'phoneDailyLimit', 'isPhoneVerificationRequired', 'consentText', 'consentVersion',
] as const

/**
 * What differs from the saved settings: the server merges key by key (clocks kind by kind), so
 * sending only the changes keeps the audit entry to what the person actually changed.
 */
export function settingsChanges(saved: TicketSettings, edited: Partial<TicketSettings> | undefined): TicketSettingsInput {
  const out: TicketSettingsInput = {}
  if (!edited) return out
  for (const key of scalarFields) {
    const value = typeof edited[key] === 'string' ? (edited[key] as string).trim() : edited[key]
    if (value !== undefined && value !== null && value !== saved[key]) (out as Record<string, unknown>)[key] = value
  }
  for (const kind of clockKinds) {
    for (const field of clockFields) {
      const value = edited.clocks?.[kind]?.[field]
      if (typeof value === 'number' && value !== saved.clocks[kind][field]) {
        out.clocks ??= {}
        out.clocks[kind] = { ...out.clocks[kind], [field]: value }
      }
    }
  }
  return out
}

function rangeRule({ min, max }: { min: number; max: number }): FormRule[] {
  return [{ required: true, type: 'integer', min, max, message: t('tickets.handling.range', { min, max }) }]
}

function lengthRule({ min, max }: { min: number; max: number }): FormRule[] {
  const message = t('tickets.handling.length', { min, max })
  return [{
    required: true, message,
    validator: (_, value: unknown) => {
      const length = typeof value === 'string' ? value.trim().length : 0
      return length >= min && length <= max ? Promise.resolve() : Promise.reject(new Error(message))
    },
  }]
}

/** Server field errors ("clocks.complaint.final") beside the matching inputs; false when none name a field. */
function showServerErrors(form: FormInstance, err: unknown): boolean {
  if (!(err instanceof ApiError)) return false
  const fields = Object.entries(err.fieldErrors).filter(([name]) => name).map(([name, errors]) => ({ name: name.split('.'), errors }))
  if (fields.length) form.setFields(fields)
  return fields.length > 0
}

function Hint({ text, defaultValue }: { text: string; defaultValue: string | number }) {
  return <>{text}<span className="rm-settings-default">{t('tickets.handling.default', { value: defaultValue })}</span></>
}

const yesNo = (v: boolean) => (v ? t('tickets.handling.on') : t('tickets.handling.off'))

/** 办理设置: the center's clocks, 先审后发, reopening, reminders, anti-abuse and consent (GET/PUT /tickets/settings). */
export function HandlingSettingsTab() {
  const settings = useTicketSettings()
  // A new form after each save, so the inputs start again from what the server kept; a background
  // refetch must not remount it (that would throw away what someone is typing).
  const [savedCount, setSavedCount] = useState(0)
  if (settings.error) return <QueryError error={settings.error} onRetry={() => void settings.refetch()} />
  if (!settings.data) return <Skeleton active paragraph={{ rows: 10 }} />
  const { defaults, ...saved } = settings.data
  return <HandlingSettingsForm key={savedCount} saved={saved} defaults={defaults} justSaved={savedCount > 0} onSaved={() => setSavedCount((n) => n + 1)} />
}

function HandlingSettingsForm({ saved, defaults, justSaved, onSaved }: { saved: TicketSettings; defaults: TicketSettings; justSaved: boolean; onSaved: () => void }) {
  const [form] = Form.useForm<TicketSettings>()
  const edited = Form.useWatch([], { form, preserve: true }) as Partial<TicketSettings> | undefined
  const save = useSaveTicketSettings()
  const feedback = useFeedback()
  const { can } = usePermissions()
  const canEdit = can('ticket.dispatch')
  const changes = settingsChanges(saved, edited)
  const isDirty = Object.keys(changes).length > 0
  const d = defaults
  const isVersionStale = changes.consentText !== undefined && (edited?.consentVersion ?? '').trim() === saved.consentVersion

  function submit() {
    if (!isDirty) { feedback.info(t('tickets.handling.noChanges')); return }
    save.mutate(changes, {
      onSuccess: () => { feedback.success(t('tickets.handling.saved')); onSaved() },
      onError: (err) => { if (showServerErrors(form, err)) feedback.error(t('tickets.handling.fixErrors')); else feedback.error(err) },
    })
  }

  const numberItem = (name: NumberField, suffix?: string) => (
    <Form.Item name={name} label={t(`tickets.handling.${name}` as MessageKey)} rules={rangeRule(limits[name])}
      extra={<Hint text={t(`tickets.handling.${name}Hint` as MessageKey)} defaultValue={d[name]} />}>
      <InputNumber min={limits[name].min} max={limits[name].max} precision={0} style={{ width: 160 }} suffix={suffix} data-testid={`settings-${name}`} />
    </Form.Item>
  )
  const flagItem = (name: FlagField) => (
    <Form.Item name={name} label={t(`tickets.handling.${name}` as MessageKey)} valuePropName="checked"
      extra={<Hint text={t(`tickets.handling.${name}Hint` as MessageKey)} defaultValue={yesNo(d[name])} />}>
      <Switch checkedChildren={t('tickets.handling.onShort')} unCheckedChildren={t('tickets.handling.offShort')} data-testid={`settings-${name}`} />
    </Form.Item>
  )

  return (
    <Form form={form} layout="vertical" initialValues={saved} disabled={!canEdit} onFinish={submit} scrollToFirstError
      onFinishFailed={() => feedback.error(t('tickets.handling.fixErrors'))} className="rm-settings-form" data-testid="handling-settings">
      <Alert type="info" showIcon title={t('tickets.handling.intro')} style={{ marginBottom: 16 }} />
      {!canEdit && <Alert type="warning" showIcon title={t('tickets.settings.readOnly')} style={{ marginBottom: 16 }} data-testid="settings-read-only" />}
      {justSaved && !isDirty && <Alert type="success" showIcon closable title={t('tickets.handling.saved')} style={{ marginBottom: 16 }} data-testid="settings-saved" />}

      <Typography.Title level={5}>{t('tickets.handling.clocks')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('tickets.handling.clocksHint', { max: limits.clockDays.max })}</Typography.Paragraph>
      <Table<ClockKind> rowKey={(k) => k} size="small" pagination={false} dataSource={clockKinds} scroll={{ x: 'max-content' }} className="rm-settings-clocks"
        columns={[
          { title: t('tickets.handling.kind'), key: 'kind', fixed: 'left', render: (_, k) => (k === 'urgent' ? <Tag color="red">{t('tickets.handling.urgent')}</Tag> : kindName(k)) },
          ...clockFields.map((field) => ({
            key: field,
            title: (
              <div className="rm-settings-clock-head">
                <div>{t(`tickets.handling.${field}` as MessageKey)}</div>
                <Typography.Text type="secondary">{t(`tickets.handling.${field}Hint` as MessageKey)}</Typography.Text>
              </div>
            ),
            render: (_: unknown, kind: ClockKind) => {
              const isChanged = changes.clocks?.[kind]?.[field] !== undefined
              return (
                <Form.Item name={['clocks', kind, field]} rules={rangeRule(limits.clockDays)} style={{ margin: 0 }}
                  extra={<span className={isChanged ? 'rm-settings-changed' : undefined}>{isChanged ? `${t('tickets.handling.changed')} · ` : ''}{t('tickets.handling.default', { value: d.clocks[kind][field] })}</span>}>
                  <InputNumber min={limits.clockDays.min} max={limits.clockDays.max} precision={0} style={{ width: 96 }} suffix={t('tickets.handling.unit.days')}
                    aria-label={`${kind === 'urgent' ? t('tickets.handling.urgent') : kindName(kind)} ${t(`tickets.handling.${field}` as MessageKey)}`}
                    data-testid={`clock-${kind}-${field}`} />
                </Form.Item>
              )
            },
          })),
        ]} />

      <Divider />
      <Typography.Title level={5}>{t('tickets.handling.review')}</Typography.Title>
      <Row gutter={24}>
        <Col xs={24} md={12}>{flagItem('isReplyReviewRequired')}</Col>
        <Col xs={24} md={12}>{numberItem('reopenLimit', t('tickets.handling.unit.times'))}</Col>
      </Row>

      <Typography.Title level={5}>{t('tickets.handling.deadlines')}</Typography.Title>
      <Row gutter={24}>
        <Col xs={24} md={12} xl={8}>{numberItem('reminderLeadHours', t('tickets.handling.unit.hours'))}</Col>
        <Col xs={24} md={12} xl={8}>{numberItem('escalationDelayWorkingDays', t('tickets.handling.unit.days'))}</Col>
        <Col xs={24} md={12} xl={8}>{numberItem('autoCloseWorkingDays', t('tickets.handling.unit.days'))}</Col>
      </Row>

      <Typography.Title level={5}>{t('tickets.handling.intake')}</Typography.Title>
      <Row gutter={24}>
        <Col xs={24} md={12} xl={8}>{numberItem('duplicateWindowMinutes', t('tickets.handling.unit.minutes'))}</Col>
        <Col xs={24} md={12} xl={8}>{numberItem('similarWindowDays', t('tickets.handling.unit.days'))}</Col>
        <Col xs={24} md={12} xl={8}>{numberItem('phoneDailyLimit', t('tickets.handling.unit.messages'))}</Col>
        <Col xs={24}>{flagItem('isPhoneVerificationRequired')}</Col>
      </Row>

      <Typography.Title level={5}>{t('tickets.handling.consent')}</Typography.Title>
      <Form.Item name="consentText" label={t('tickets.handling.consentText')} rules={lengthRule(limits.consentText)}
        extra={t('tickets.handling.consentTextHint', { min: limits.consentText.min, max: limits.consentText.max })}>
        <Input.TextArea rows={4} maxLength={limits.consentText.max} showCount data-testid="settings-consentText" />
      </Form.Item>
      <Form.Item name="consentVersion" label={t('tickets.handling.consentVersion')} rules={lengthRule(limits.consentVersion)}
        extra={<Hint text={t('tickets.handling.consentVersionHint')} defaultValue={d.consentVersion} />}>
        <Input maxLength={limits.consentVersion.max} style={{ maxWidth: 240 }} data-testid="settings-consentVersion" />
      </Form.Item>
      {isVersionStale && <Alert type="warning" showIcon title={t('tickets.handling.consentVersionStale')} style={{ marginBottom: 16 }} />}

      {canEdit && (
        <div className="rm-settings-actions">
          <Space wrap>
            <Button type="primary" htmlType="submit" loading={save.isPending} disabled={!isDirty} data-testid="settings-save">{t('tickets.handling.save')}</Button>
            <Button onClick={() => form.resetFields()} disabled={!isDirty || save.isPending}>{t('tickets.handling.undo')}</Button>
            <Button onClick={() => form.setFieldsValue(structuredClone(defaults))} disabled={save.isPending}>{t('tickets.handling.fillDefaults')}</Button>
            {isDirty && <Typography.Text type="warning">{t('tickets.handling.unsaved')}</Typography.Text>}
          </Space>
        </div>
      )}
    </Form>
  )
}
