import { Alert, Card, Col, Descriptions, Empty, Image, Row, Space, Tag, Timeline, Typography } from 'antd'
import { Link, useParams } from 'react-router-dom'
import { useTicket, type TicketDetail } from '../../api/tickets'
import { PageHeader } from '../../components/PageHeader'
import { FullPageSpin, QueryError } from '../../components/QueryState'
import { t, tOr } from '../../i18n'
import { formatDateTime, formatDateTimeShort } from '../../lib/time'
import { TicketActions } from './TicketActions'
import { Section, StateTag } from './shared'
import './tickets.css'

type Clock = 'signFor' | 'firstResponse' | 'final'
const metOf: Record<Clock, keyof TicketDetail['met']> = { signFor: 'signedForAt', firstResponse: 'firstResponseAt', final: 'repliedAt' }

/** One clock: its deadline and whether it was met, is running, or has run out. */
function ClockState({ ticket, clock }: { ticket: TicketDetail; clock: Clock }) {
  const due = ticket.deadlines[clock]
  const met = ticket.met[metOf[clock]]
  if (met) {
    const isLate = new Date(met).getTime() > new Date(due).getTime()
    return <Tag color={isLate ? 'orange' : 'green'} data-testid={`clock-${clock}`}>{t(isLate ? 'tickets.clock.metLate' : 'tickets.clock.met', { at: formatDateTimeShort(met) })}</Tag>
  }
  if (ticket.overdue[clock]) return <Tag color="red" data-testid={`clock-${clock}`}>{t('tickets.clock.overdue', { at: formatDateTimeShort(due) })}</Tag>
  return <Tag color="blue" data-testid={`clock-${clock}`}>{t('tickets.clock.pending', { at: formatDateTimeShort(due) })}</Tag>
}

/** Pictures of the message or of a reply: the originals, readable by handlers only. */
function Attachments({ items }: { items: TicketDetail['attachments'] }) {
  if (items.length === 0) return null
  return (
    <div style={{ marginTop: 8 }}>
      <Typography.Text type="secondary">{t('tickets.detail.attachments', { count: items.length })}</Typography.Text>
      <Image.PreviewGroup>
        <Space wrap size={8} style={{ display: 'flex', marginTop: 4 }}>
          {items.map((a) => (
            <Image key={a.assetId} width={88} height={88} style={{ objectFit: 'cover', borderRadius: 6 }} src={`/api/v1/tickets/attachments/${a.assetId}`} alt={t('tickets.detail.attachmentAlt')} />
          ))}
        </Space>
      </Image.PreviewGroup>
    </div>
  )
}

/** 留言详情: the message, its clocks, departments, replies (original and masked), the timeline, and what the viewer may do. */
export function TicketDetailPage() {
  const { id } = useParams()
  const query = useTicket(id)
  if (query.isPending) return <FullPageSpin />
  if (query.error) return <QueryError error={query.error} onRetry={() => void query.refetch()} />
  const d = query.data
  return (
    <>
      <PageHeader
        title={<span data-testid="ticket-title">{d.isUrgent && <Tag color="red">{t('tickets.urgent')}</Tag>}{d.title}</span>}
        description={<Space wrap size={6}><span>{t('tickets.number')} {d.number}</span><StateTag state={d.state} name={d.stateName} /><span>{d.kindName} · {d.service.name}</span></Space>}
      />
      {d.stateNote && <Alert type="info" showIcon title={d.stateNote} style={{ marginBottom: 16 }} />}
      {d.mergedInto && (
        <Alert type="info" showIcon style={{ marginBottom: 16 }} title={<Link to={`/tickets/${d.mergedInto.id}`}>{t('tickets.detail.mergedInto', { number: d.mergedInto.number })}</Link>} />
      )}
      <Row gutter={[16, 16]}>
        <Col xs={{ span: 24, order: 2 }} lg={{ span: 15, order: 1 }}>
          <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
            <Card>
              <Section title={t('tickets.detail.content')}>
                <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }} data-testid="ticket-body">{d.body}</Typography.Paragraph>
                <Descriptions size="small" column={{ xs: 1, sm: 2 }} items={[
                  { key: 'citizen', label: t('tickets.citizen'), children: <span>{d.citizen.name || '—'} <Typography.Text type="secondary">({d.citizen.isNamePublic ? t('tickets.detail.namePublic') : t('tickets.detail.nameHidden')})</Typography.Text></span> },
                  { key: 'phone', label: t('tickets.detail.phone'), children: d.citizen.phone || '—' },
                  { key: 'address', label: t('tickets.detail.address'), children: d.address || '—' },
                  { key: 'channel', label: t('tickets.detail.channel'), children: tOr(`tickets.detail.channel.${d.channel}`, d.channel) },
                  { key: 'lookup', label: t('tickets.detail.lookupCode'), children: d.lookupCode },
                  { key: 'submitted', label: t('tickets.submittedAt'), children: formatDateTime(d.createdAt) },
                  { key: 'public', label: t('tickets.detail.publicFlag'), children: d.isPublic ? t('tickets.detail.publicFlag') : t('tickets.detail.notPublic') },
                ]} />
                <Attachments items={d.attachments.filter((a) => !a.replyId)} />
              </Section>
            </Card>
            <Card>
              <Section title={t('tickets.detail.replies')}>
                {d.replies.length === 0 ? <Empty description={t('tickets.detail.noReplies')} /> : d.replies.map((r) => (
                  <div key={r.id} className="rm-ticket-reply" data-testid="ticket-reply" data-state={r.state}>
                    <Space wrap size={6} style={{ marginBottom: 8 }}>
                      <Tag color={r.state === 'published' ? 'green' : r.state === 'rejected' ? 'default' : 'purple'}>{t(`tickets.detail.reply.${r.state}`)}</Tag>
                      <Typography.Text type="secondary">{t('tickets.detail.replyBy', { department: r.department.name, author: r.authorName, at: formatDateTimeShort(r.createdAt) })}</Typography.Text>
                    </Space>
                    <Row gutter={[12, 12]}>
                      <Col xs={24} md={12}>
                        <Typography.Text strong>{t('tickets.detail.original')}</Typography.Text>
                        <div className="rm-ticket-reply-body" data-testid="reply-original">{r.body}</div>
                      </Col>
                      <Col xs={24} md={12}>
                        <Typography.Text strong>{t('tickets.detail.public')}</Typography.Text>
                        <div className="rm-ticket-reply-body rm-ticket-reply-public" data-testid="reply-public">{r.publicBody}</div>
                      </Col>
                    </Row>
                    <Attachments items={d.attachments.filter((a) => a.replyId === r.id)} />
                    {r.faqEntries.length > 0 && (
                      <div style={{ marginTop: 8 }}>{t('tickets.detail.citedFaq')}：{r.faqEntries.map((f) => <Tag key={f.id}>{f.question}</Tag>)}</div>
                    )}
                    {r.reviewNote && <Typography.Text type="secondary">{t('tickets.detail.reviewNote', { note: r.reviewNote })}</Typography.Text>}
                  </div>
                ))}
                {d.ratings.map((r) => (
                  <Alert key={r.replyId} style={{ marginTop: 8 }} type={r.rating === 'unsatisfied' ? 'warning' : 'success'}
                    title={`${t('tickets.detail.ratings')}：${tOr(`tickets.detail.rating.${r.rating}`, r.rating)}${r.comment ? ` · ${r.comment}` : ''}`} />
                ))}
              </Section>
            </Card>
            <Card>
              <Section title={t('tickets.detail.timeline')}>
                <Timeline
                  items={d.timeline.map((e) => ({
                    color: ['overdue', 'escalated', 'urged', 'rejected', 'returned'].includes(e.action) ? 'red' : e.action === 'replied' ? 'green' : 'blue',
                    content: (
                      <div data-testid="timeline-entry" data-action={e.action}>
                        <Typography.Text strong>{tOr(`tickets.timeline.${e.action}`, e.action)}</Typography.Text>
                        <Typography.Text type="secondary"> · {formatDateTimeShort(e.at)} · {e.actorName || t('tickets.timeline.system')}{e.department ? ` · ${e.department.name}` : ''}</Typography.Text>
                        {e.note && <div style={{ whiteSpace: 'pre-wrap' }}>{e.note}</div>}
                      </div>
                    ),
                  }))}
                />
              </Section>
            </Card>
          </Space>
        </Col>
        <Col xs={{ span: 24, order: 1 }} lg={{ span: 9, order: 2 }}>
          <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
            <TicketActions ticket={d} />
            <Card>
              <Section title={t('tickets.detail.deadlines')}>
                <Descriptions size="small" column={1} items={(['signFor', 'firstResponse', 'final'] as const).map((c) => ({
                  key: c, label: t(`tickets.clock.${c}`), children: <ClockState ticket={d} clock={c} />,
                }))} />
                {d.extensionDays > 0 && <Typography.Text type="secondary">{t('tickets.detail.extensionDays', { days: d.extensionDays })}</Typography.Text>}
                {d.reopenCount > 0 && <div><Typography.Text type="secondary">{t('tickets.detail.reopenCount', { count: d.reopenCount })}</Typography.Text></div>}
              </Section>
            </Card>
            <Card>
              <Section title={t('tickets.detail.assignments')}>
                {d.assignments.length === 0 ? (
                  <Typography.Text type="secondary">{t('tickets.noDepartment')}</Typography.Text>
                ) : (
                  <Space orientation="vertical" size={4}>
                    {d.assignments.map((a) => (
                      <div key={a.id} data-testid="assignment">
                        <Tag color={a.role === 'lead' ? 'blue' : 'default'}>{t(`tickets.detail.role.${a.role}`)}</Tag>
                        {a.department.name}
                        <Typography.Text type="secondary" style={{ marginInlineStart: 6 }}>
                          {a.endedAt ? tOr(`tickets.detail.ended.${a.endReason}`, a.endReason ?? '') : a.signedForAt ? t('tickets.detail.signedFor') : t('tickets.detail.notSigned')}
                          {a.endNote ? `：${a.endNote}` : ''}
                        </Typography.Text>
                      </div>
                    ))}
                  </Space>
                )}
              </Section>
            </Card>
            {d.extensions.length > 0 && (
              <Card>
                <Section title={t('tickets.detail.extensions')}>
                  {d.extensions.map((e) => (
                    <div key={e.id}>
                      <Tag>{tOr(`tickets.detail.extension.${e.state}`, e.state)}</Tag>
                      {t('tickets.detail.extension', { department: e.department.name, days: e.days, reason: e.reason })}
                    </div>
                  ))}
                </Section>
              </Card>
            )}
          </Space>
        </Col>
      </Row>
    </>
  )
}
