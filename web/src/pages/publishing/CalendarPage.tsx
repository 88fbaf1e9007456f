import { useMemo, useState } from 'react'
import { Badge, Button, Calendar, Card, Empty, Grid, Segmented, Space, Spin, Typography } from 'antd'
import { LeftOutlined, RightOutlined } from '@ant-design/icons'
import dayjs, { type Dayjs } from 'dayjs'
import { Link } from 'react-router-dom'
import { useSchedule, type Publication } from '../../api/publishing'
import { PageHeader } from '../../components/PageHeader'
import { QueryError } from '../../components/QueryState'
import { t } from '../../i18n'
import { displayStatus, PublicationStatusTag } from './shared'
import './publishing.css'

type Mode = 'month' | 'week'

/** Where a publication sits on the calendar: its schedule, else when it was requested (as the API orders it). */
const timeOf = (p: Publication) => dayjs(p.scheduledAt ?? p.createdAt)

const badgeStatus: Record<string, 'success' | 'processing' | 'error' | 'default' | 'warning'> = {
  live: 'success', sending: 'processing', awaiting_platform: 'processing', queued: 'default', scheduled: 'processing',
  failed: 'error', withdrawn: 'default', withdrawing: 'warning',
}

/** 发布日历: scheduled and sent publications by month or by week. */
export function CalendarPage() {
  const screens = Grid.useBreakpoint()
  const isPhone = screens.md === false
  const [mode, setMode] = useState<Mode>('month')
  const [cursor, setCursor] = useState<Dayjs>(() => dayjs())
  // The month panel shows six whole weeks; the query covers exactly what is on screen (≤ 92 days).
  const from = mode === 'month' ? cursor.startOf('month').startOf('week') : cursor.startOf('week')
  const to = mode === 'month' ? from.add(42, 'day') : from.add(7, 'day')
  const schedule = useSchedule(from.toISOString(), to.toISOString())
  const byDay = useMemo(() => {
    const map = new Map<string, Publication[]>()
    for (const p of schedule.data ?? []) {
      const key = timeOf(p).format('YYYY-MM-DD')
      map.set(key, [...(map.get(key) ?? []), p])
    }
    return map
  }, [schedule.data])

  const unit = mode === 'month' ? t('pub.calendar.month') : t('pub.calendar.week')
  const title = mode === 'month' ? cursor.format('YYYY年M月') : `${from.format('YYYY年M月D日')} – ${to.subtract(1, 'day').format('M月D日')}`

  return (
    <>
      <PageHeader title={t('pub.calendar.title')} description={t('pub.calendar.description')} />
      <Space wrap className="rm-toolbar" style={{ justifyContent: 'space-between', width: '100%' }}>
        <Space wrap>
          <Button icon={<LeftOutlined />} onClick={() => setCursor(cursor.subtract(1, mode))} aria-label={t('pub.calendar.prev', { unit })} />
          <Button onClick={() => setCursor(dayjs())}>{t('pub.calendar.today')}</Button>
          <Button icon={<RightOutlined />} onClick={() => setCursor(cursor.add(1, mode))} aria-label={t('pub.calendar.next', { unit })} />
          <Typography.Title level={4} style={{ margin: 0 }} data-testid="calendar-title">{title}</Typography.Title>
          {schedule.isFetching && <Spin size="small" />}
        </Space>
        <Segmented<Mode>
          value={mode}
          onChange={setMode}
          options={[{ value: 'month', label: t('pub.calendar.month') }, { value: 'week', label: t('pub.calendar.week') }]}
          data-testid="calendar-mode"
        />
      </Space>
      {schedule.error ? <QueryError error={schedule.error} onRetry={() => void schedule.refetch()} /> : (
        <Card>
          {mode === 'month' ? (
            <Calendar
              className="rm-pub-calendar"
              value={cursor}
              fullscreen={!isPhone}
              headerRender={() => null}
              onSelect={(date, info) => {
                setCursor(date)
                // Picking a day opens its week, where every publication of the day is listed in full.
                if (info.source === 'date') setMode('week')
              }}
              cellRender={(date, info) => {
                if (info.type !== 'date') return info.originNode
                const items = byDay.get(date.format('YYYY-MM-DD')) ?? []
                if (items.length === 0) return null
                if (isPhone) return <Badge count={items.length} size="small" color="#1677ff" />
                return (
                  <ul className="rm-pub-cal-cell" data-testid="calendar-day" data-date={date.format('YYYY-MM-DD')}>
                    {items.slice(0, 3).map((p) => (
                      <li key={p.id} title={`${p.storyTitle ?? ''} · ${p.accountName}`}>
                        <Badge status={badgeStatus[displayStatus(p)] ?? 'default'} text={`${timeOf(p).format('HH:mm')} ${p.storyTitle ?? ''}`} />
                      </li>
                    ))}
                    {items.length > 3 && <li><Typography.Text type="secondary">{t('pub.calendar.more', { n: items.length - 3 })}</Typography.Text></li>}
                  </ul>
                )
              }}
            />
          ) : (
            <WeekView from={from} byDay={byDay} />
          )}
        </Card>
      )}
    </>
  )
}

const weekdays = ['一', '二', '三', '四', '五', '六', '日']

function WeekView({ from, byDay }: { from: Dayjs; byDay: Map<string, Publication[]> }) {
  const days = Array.from({ length: 7 }, (_, i) => from.add(i, 'day'))
  const isEmpty = days.every((d) => !byDay.get(d.format('YYYY-MM-DD'))?.length)
  return (
    <>
      {isEmpty && <Empty description={t('pub.calendar.weekEmpty')} style={{ marginBottom: 12 }} />}
      <div className="rm-pub-week">
        {days.map((d, i) => {
          const items = byDay.get(d.format('YYYY-MM-DD')) ?? []
          return (
            <section key={d.format('YYYY-MM-DD')} className={`rm-pub-week-day${d.isSame(dayjs(), 'day') ? ' is-today' : ''}`} data-testid="week-day">
              <h3>{t('pub.calendar.weekday', { d: weekdays[i] })} {d.format('M月D日')}</h3>
              {items.length === 0 ? <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('pub.calendar.empty')}</Typography.Text> : items.map((p) => (
                <div key={p.id} className="rm-pub-week-item" data-testid="week-item">
                  <div><Typography.Text strong>{timeOf(p).format('HH:mm')}</Typography.Text> <PublicationStatusTag publication={p} /></div>
                  <Link to={`/publishing/stories/${p.storyId}`}>{p.storyTitle ?? p.storyId.slice(0, 8)}</Link>
                  <div><Typography.Text type="secondary">{p.accountName}</Typography.Text></div>
                </div>
              ))}
            </section>
          )
        })}
      </div>
    </>
  )
}
