import { useMemo, useState } from 'react'
import { Button, Card, Form, Input, Modal, Popconfirm, Radio, Select, Typography } from 'antd'
import { useCalendarEdit, useCalendarYear, type CalendarDay } from '../../api/tickets'
import { usePermissions } from '../../auth/permissions'
import { PageHeader } from '../../components/PageHeader'
import { QueryError } from '../../components/QueryState'
import { useFeedback } from '../../components/feedback'
import { t } from '../../i18n'
import './tickets.css'

function pad(n: number) { return String(n).padStart(2, '0') }

/** 工作日历: the year at a glance; a click on a day sets it as a holiday or a 调休 workday. */
export function CalendarPage() {
  const [year, setYear] = useState(new Date().getFullYear())
  const days = useCalendarYear(year)
  const edit = useCalendarEdit()
  const { can } = usePermissions()
  const canEdit = can('calendar.manage')
  const feedback = useFeedback()
  const [editing, setEditing] = useState<{ day: string; current?: CalendarDay } | null>(null)
  const [kind, setKind] = useState<'holiday' | 'workday'>('holiday')
  const [name, setName] = useState('')
  const byDay = useMemo(() => new Map((days.data ?? []).map((d) => [d.day, d])), [days.data])
  const holidays = (days.data ?? []).filter((d) => !d.isWorkday).length
  const workdays = (days.data ?? []).length - holidays

  function open(day: string) {
    const current = byDay.get(day)
    setEditing({ day, current })
    setKind(current?.isWorkday ? 'workday' : 'holiday')
    setName(current?.name ?? '')
  }
  const done = { onSuccess: () => { feedback.success(t('tickets.calendar.saved')); setEditing(null) }, onError: feedback.error }

  return (
    <>
      <PageHeader title={t('nav.ticketCalendar')} description={t('tickets.calendar.description')}
        extra={<Select value={year} onChange={setYear} options={[-1, 0, 1, 2].map((d) => new Date().getFullYear() + d).map((y) => ({ value: y, label: `${y} 年` }))} aria-label="year" />} />
      <Card>
        <div className="rm-cal-legend" style={{ marginBottom: 16 }}>
          <span><span className="rm-cal-swatch" style={{ background: '#fff1f0', border: '1px solid #cf1322' }} />{t('tickets.calendar.holiday')}</span>
          <span><span className="rm-cal-swatch" style={{ background: '#e6f4ff', border: '1px solid #0958d9' }} />{t('tickets.calendar.workday')}</span>
          <Typography.Text type="secondary" data-testid="calendar-summary">{days.data?.length ? t('tickets.calendar.overrides', { holidays, workdays }) : t('tickets.calendar.empty', { year })}</Typography.Text>
          {!canEdit && <Typography.Text type="secondary">{t('tickets.calendar.readOnly')}</Typography.Text>}
        </div>
        {days.error ? <QueryError error={days.error} onRetry={() => void days.refetch()} /> : (
          <div className="rm-cal-year">
            {Array.from({ length: 12 }, (_, m) => {
              const first = new Date(Date.UTC(year, m, 1))
              const lead = (first.getUTCDay() + 6) % 7
              const count = new Date(Date.UTC(year, m + 1, 0)).getUTCDate()
              return (
                <div key={m} className="rm-cal-month">
                  <h3>{m + 1} 月</h3>
                  <div className="rm-cal-grid">
                    {t('tickets.calendar.weekdays').split(',').map((w) => <span key={w} className="rm-cal-head">{w}</span>)}
                    {Array.from({ length: lead }, (_, i) => <span key={`l${i}`} />)}
                    {Array.from({ length: count }, (_, i) => {
                      const day = `${year}-${pad(m + 1)}-${pad(i + 1)}`
                      const o = byDay.get(day)
                      const dow = (lead + i) % 7
                      const cls = o ? (o.isWorkday ? 'is-workday' : 'is-holiday') : dow >= 5 ? 'is-weekend' : ''
                      return (
                        <button key={day} type="button" className={`rm-cal-day ${cls}`} disabled={!canEdit} onClick={() => open(day)} title={o?.name ?? ''} data-day={day} aria-label={`${day}${o ? ` ${o.name}` : ''}`}>
                          {i + 1}
                        </button>
                      )
                    })}
                  </div>
                </div>
              )
            })}
          </div>
        )}
      </Card>
      <Modal open={Boolean(editing)} title={editing ? t('tickets.calendar.editDay', { day: editing.day }) : ''} onCancel={() => setEditing(null)} destroyOnHidden
        footer={[
          editing?.current && (
            <Popconfirm key="clear" title={t('tickets.calendar.clear')} onConfirm={() => edit.mutate({ day: editing.day, remove: true }, done)}>
              <Button danger loading={edit.isPending}>{t('tickets.calendar.clear')}</Button>
            </Popconfirm>
          ),
          <Button key="ok" type="primary" disabled={!name.trim()} loading={edit.isPending} data-testid="calendar-save"
            onClick={() => editing && edit.mutate({ day: editing.day, isWorkday: kind === 'workday', name: name.trim() }, done)}>{t('common.save')}</Button>,
        ]}>
        <Form layout="vertical">
          <Form.Item label={t('tickets.calendar.dayKind')}>
            <Radio.Group value={kind} onChange={(e) => setKind(e.target.value)} options={[{ value: 'holiday', label: t('tickets.calendar.holiday') }, { value: 'workday', label: t('tickets.calendar.workday') }]} />
          </Form.Item>
          <Form.Item label={t('tickets.calendar.dayName')} required>
            <Input maxLength={40} value={name} onChange={(e) => setName(e.target.value)} data-testid="calendar-name" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  )
}
