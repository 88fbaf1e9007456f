import { useMemo, useState } from 'react'
import type { ButtonProps } from 'antd'
import { Alert, Button, Card, Checkbox, Empty, Form, Input, InputNumber, List, Modal, Popconfirm, Select, Space, Tag, Typography, Upload } from 'antd'
import type { UploadFile } from 'antd'
import { UploadOutlined } from '@ant-design/icons'
import { useMe } from '../../api/auth'
import { api, ApiError } from '../../api/client'
import { replyTemplates, useDuplicates, useFaqList, useTicketAction, type TicketAction, type TicketDetail } from '../../api/tickets'
import { usePermissions } from '../../auth/permissions'
import { useFeedback } from '../../components/feedback'
import { t } from '../../i18n'
import { formatDateTimeShort } from '../../lib/time'
import { Section, useDepartments } from './shared'

type Dialog = null | 'reject' | 'route' | 'merge' | 'urge' | 'reopen' | 'progress' | 'return' | 'reply' | 'extension' | 'review'

/** A modal asking for one text (a reason or a note) before an action. */
function TextDialog({ open, title, label, max = 2000, isRequired = true, onCancel, onOk, isPending, extra }: {
  open: boolean; title: string; label: string; max?: number; isRequired?: boolean; onCancel: () => void; onOk: (text: string) => void; isPending: boolean
  extra?: React.ReactNode
}) {
  const [text, setText] = useState('')
  return (
    <Modal open={open} title={title} okText={title} onCancel={onCancel} okButtonProps={{ disabled: isRequired && !text.trim(), loading: isPending, 'data-testid': 'dialog-ok' } as ButtonProps}
      onOk={() => onOk(text.trim())} destroyOnHidden afterClose={() => setText('')}>
      <Form layout="vertical">
        <Form.Item label={label} required={isRequired}>
          <Input.TextArea rows={4} maxLength={max} showCount value={text} onChange={(e) => setText(e.target.value)} data-testid="dialog-text" />
        </Form.Item>
        {extra}
      </Form>
    </Modal>
  )
}

/** What the viewer may do with the ticket now, by permission, acting tenant and state. */
export function TicketActions({ ticket: d }: { ticket: TicketDetail }) {
  const { can } = usePermissions()
  const me = useMe()
  const action = useTicketAction(d.id)
  const feedback = useFeedback()
  const [dialog, setDialog] = useState<Dialog>(null)
  const [progressPublic, setProgressPublic] = useState(false)
  const tenant = me.data?.tenant
  const isCenter = tenant?.kind === 'center'
  const mine = d.assignments.find((a) => !a.endedAt && a.department.id === tenant?.id)
  const isLead = mine?.role === 'lead'
  const pendingReply = d.replies.find((r) => r.state === 'pending_review')
  const pendingExtension = d.extensions.find((e) => e.state === 'pending')

  const run = (a: TicketAction, done: string) => action.mutate(a, {
    onSuccess: () => { feedback.success(done); setDialog(null) },
    onError: feedback.error,
  })

  const dispatch = can('ticket.dispatch') && isCenter
  const handle = can('ticket.handle') && Boolean(mine)
  const buttons: React.ReactNode[] = []
  if (dispatch) {
    if (d.state === 'submitted') buttons.push(<Button key="accept" type="primary" onClick={() => run({ kind: 'accept', body: {} }, t('tickets.action.accepted'))} data-testid="action-accept">{t('tickets.action.accept')}</Button>)
    if (['submitted', 'accepted', 'returned'].includes(d.state)) {
      buttons.push(<Button key="route" type={d.state === 'submitted' ? 'default' : 'primary'} onClick={() => setDialog('route')} data-testid="action-route">{t('tickets.action.route')}</Button>)
      buttons.push(<Button key="merge" onClick={() => setDialog('merge')} data-testid="action-merge">{t('tickets.action.merge')}</Button>)
      buttons.push(<Button key="reject" danger onClick={() => setDialog('reject')} data-testid="action-reject">{t('tickets.action.reject')}</Button>)
    }
    if (['routed', 'signed_for', 'in_progress'].includes(d.state)) {
      buttons.push(<Button key="reroute" onClick={() => setDialog('route')} data-testid="action-reroute">{t('tickets.action.reroute')}</Button>)
      buttons.push(<Button key="urge" danger onClick={() => setDialog('urge')} data-testid="action-urge">{t('tickets.action.urge')}</Button>)
    }
    if (d.state === 'replied') {
      buttons.push(<Popconfirm key="close" title={t('tickets.action.close')} onConfirm={() => run({ kind: 'close', body: {} }, t('tickets.action.done'))}><Button>{t('tickets.action.close')}</Button></Popconfirm>)
      buttons.push(<Button key="reopen" onClick={() => setDialog('reopen')}>{t('tickets.action.reopen')}</Button>)
    }
    if (!['closed', 'rejected', 'merged'].includes(d.state)) {
      buttons.push(<Button key="urgent" onClick={() => run({ kind: 'flags', body: { isUrgent: !d.isUrgent } }, t('tickets.action.done'))}>{d.isUrgent ? t('tickets.action.unmarkUrgent') : t('tickets.action.markUrgent')}</Button>)
    }
  }
  if (handle) {
    if (!mine!.signedForAt) buttons.push(<Button key="sign" type="primary" onClick={() => run({ kind: 'sign-for' }, t('tickets.action.signed'))} data-testid="action-sign-for">{t('tickets.action.signFor')}</Button>)
    if (mine!.signedForAt && ['signed_for', 'in_progress'].includes(d.state)) {
      if (isLead) buttons.push(<Button key="reply" type="primary" onClick={() => setDialog('reply')} data-testid="action-reply">{t('tickets.action.reply')}</Button>)
      buttons.push(<Button key="progress" onClick={() => setDialog('progress')} data-testid="action-progress">{t('tickets.action.progress')}</Button>)
      if (isLead && !pendingExtension) buttons.push(<Button key="ext" onClick={() => setDialog('extension')} data-testid="action-extension">{t('tickets.action.extension')}</Button>)
    }
    if (['routed', 'signed_for', 'in_progress'].includes(d.state) && isLead) {
      buttons.push(<Button key="return" danger onClick={() => setDialog('return')} data-testid="action-return">{t('tickets.action.return')}</Button>)
    }
  }
  const review = can('ticket.reply.review') && isCenter && d.state === 'reply_review' && pendingReply
  if (review) buttons.push(<Button key="review" type="primary" onClick={() => setDialog('review')} data-testid="action-review">{t('nav.ticketReview')}</Button>)

  return (
    <Card>
      <Section title={t('common.actions')}>
        {d.suggestedDepartment && dispatch && ['submitted', 'accepted', 'returned'].includes(d.state) && (
          <Alert style={{ marginBottom: 12 }} type="info" showIcon title={`${t('tickets.detail.suggested')}：${d.suggestedDepartment.name}`} data-testid="suggested-department" />
        )}
        {!d.suggestedDepartment && dispatch && ['submitted', 'accepted', 'returned'].includes(d.state) && (
          <Alert style={{ marginBottom: 12 }} type="warning" showIcon title={t('tickets.detail.noSuggestion')} />
        )}
        {buttons.length ? <Space wrap>{buttons}</Space> : <Typography.Text type="secondary">—</Typography.Text>}
        {dispatch && pendingExtension && (
          <Alert style={{ marginTop: 12 }} type="warning" showIcon
            title={t('tickets.detail.extension', { department: pendingExtension.department.name, days: pendingExtension.days, reason: pendingExtension.reason })}
            action={(
              <Space orientation="vertical">
                <Button size="small" type="primary" onClick={() => run({ kind: 'decide-extension', extensionId: pendingExtension.id, body: { decision: 'approve' } }, t('tickets.action.done'))}>{t('tickets.action.approveExtension')}</Button>
                <Button size="small" onClick={() => run({ kind: 'decide-extension', extensionId: pendingExtension.id, body: { decision: 'deny' } }, t('tickets.action.done'))}>{t('tickets.action.denyExtension')}</Button>
              </Space>
            )} />
        )}
      </Section>

      <TextDialog open={dialog === 'reject'} title={t('tickets.action.reject')} label={t('tickets.action.rejectReason')} max={500} isPending={action.isPending}
        onCancel={() => setDialog(null)} onOk={(reason) => run({ kind: 'reject', body: { reason } }, t('tickets.action.done'))} />
      <TextDialog open={dialog === 'urge'} title={t('tickets.action.urge')} label={t('tickets.action.urgeNote')} isPending={action.isPending}
        onCancel={() => setDialog(null)} onOk={(note) => run({ kind: 'urge', body: { note } }, t('tickets.action.urged'))} />
      <TextDialog open={dialog === 'reopen'} title={t('tickets.action.reopen')} label={t('tickets.action.reopenNote')} isPending={action.isPending}
        onCancel={() => setDialog(null)} onOk={(note) => run({ kind: 'reopen', body: { note } }, t('tickets.action.done'))} />
      <TextDialog open={dialog === 'return'} title={t('tickets.action.return')} label={t('tickets.action.returnReason')} max={500} isPending={action.isPending}
        onCancel={() => setDialog(null)} onOk={(reason) => run({ kind: 'return', body: { reason } }, t('tickets.action.returned'))} />
      <TextDialog open={dialog === 'progress'} title={t('tickets.action.progress')} label={t('tickets.action.progressNote')} isPending={action.isPending}
        onCancel={() => setDialog(null)} onOk={(note) => run({ kind: 'progress', body: { note, isPublic: progressPublic } }, t('tickets.action.done'))}
        extra={<Checkbox checked={progressPublic} onChange={(e) => setProgressPublic(e.target.checked)}>{t('tickets.action.progressPublic')}</Checkbox>} />
      {dialog === 'route' && <RouteDialog ticket={d} isPending={action.isPending} onCancel={() => setDialog(null)} onOk={(body) => run({ kind: 'route', body }, t('tickets.action.routed'))} />}
      {dialog === 'merge' && <MergeDialog ticket={d} isPending={action.isPending} onCancel={() => setDialog(null)} onOk={(intoId) => run({ kind: 'merge', body: { intoId } }, t('tickets.action.done'))} />}
      {dialog === 'reply' && <ReplyDialog ticket={d} isPending={action.isPending} error={action.error} onCancel={() => setDialog(null)} onOk={(body) => run({ kind: 'replies', body }, t('tickets.action.replied'))} />}
      {dialog === 'extension' && <ExtensionDialog isPending={action.isPending} onCancel={() => setDialog(null)} onOk={(body) => run({ kind: 'extensions', body }, t('tickets.action.extensionRequested'))} />}
      {dialog === 'review' && pendingReply && (
        <ReviewDialog publicBody={pendingReply.publicBody} original={pendingReply.body} isPending={action.isPending} onCancel={() => setDialog(null)}
          onOk={(body) => run({ kind: 'review', replyId: pendingReply.id, body }, t('tickets.action.reviewed'))} />
      )}
    </Card>
  )
}

function RouteDialog({ ticket, isPending, onCancel, onOk }: {
  ticket: TicketDetail; isPending: boolean; onCancel: () => void; onOk: (b: { leadDepartmentId: string; coDepartmentIds?: string[]; note?: string }) => void
}) {
  const departments = useDepartments()
  const [lead, setLead] = useState<string | undefined>(ticket.suggestedDepartment?.id ?? undefined)
  const [co, setCo] = useState<string[]>([])
  const [note, setNote] = useState('')
  const options = departments.items.map((x) => ({ value: x.id, label: x.name }))
  return (
    <Modal open title={ticket.leadDepartment ? t('tickets.action.reroute') : t('tickets.action.route')} okText={t('tickets.action.route')} onCancel={onCancel}
      okButtonProps={{ disabled: !lead, loading: isPending, 'data-testid': 'route-ok' } as ButtonProps}
      onOk={() => onOk({ leadDepartmentId: lead!, coDepartmentIds: co.filter((x) => x !== lead), ...(note.trim() ? { note: note.trim() } : {}) })}>
      <Form layout="vertical">
        <Form.Item label={t('tickets.action.lead')} required extra={ticket.suggestedDepartment ? `${t('tickets.detail.suggested')}：${ticket.suggestedDepartment.name}` : t('tickets.detail.noSuggestion')}>
          <Select value={lead} onChange={setLead} options={options} loading={departments.isPending} showSearch optionFilterProp="label" data-testid="route-lead" />
        </Form.Item>
        <Form.Item label={t('tickets.action.co')}>
          <Select mode="multiple" value={co} onChange={setCo} options={options.filter((o) => o.value !== lead)} maxCount={10} optionFilterProp="label" />
        </Form.Item>
        <Form.Item label={t('tickets.action.note')}>
          <Input.TextArea rows={2} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} />
        </Form.Item>
      </Form>
    </Modal>
  )
}

function MergeDialog({ ticket, isPending, onCancel, onOk }: { ticket: TicketDetail; isPending: boolean; onCancel: () => void; onOk: (intoId: string) => void }) {
  const dups = useDuplicates(ticket.id, true)
  return (
    <Modal open title={t('tickets.action.duplicates')} footer={null} onCancel={onCancel} width={640}>
      <List
        loading={dups.isPending}
        dataSource={dups.data ?? []}
        locale={{ emptyText: <Empty description={t('tickets.action.noDuplicates')} /> }}
        renderItem={(x) => (
          <List.Item
            data-testid="duplicate"
            actions={[
              <Popconfirm key="m" title={t('tickets.action.mergeConfirm', { number: x.number })} onConfirm={() => onOk(x.id)} okButtonProps={{ loading: isPending }}>
                <Button size="small">{t('tickets.action.mergeInto')}</Button>
              </Popconfirm>,
            ]}
          >
            <List.Item.Meta
              title={`${x.number} · ${x.title}`}
              description={<Space wrap size={4}>{x.isSamePhone && <Tag color="orange">{t('tickets.action.samePhone')}</Tag>}<Tag>{t('tickets.action.similarity', { value: x.similarity.toFixed(2) })}</Tag>{formatDateTimeShort(x.createdAt)}</Space>}
            />
          </List.Item>
        )}
      />
    </Modal>
  )
}

function ReplyDialog({ ticket, isPending, error, onCancel, onOk }: {
  ticket: TicketDetail; isPending: boolean; error: unknown; onCancel: () => void; onOk: (b: { body: string; faqEntryIds?: string[]; templateId?: string | null; attachmentIds?: string[] }) => void
}) {
  const templates = replyTemplates.useList()
  const suggestions = useFaqList(ticket.title, 5)
  const faqItems = useMemo(() => suggestions.data?.pages[0]?.items ?? [], [suggestions.data])
  const [body, setBody] = useState('')
  const [templateId, setTemplateId] = useState<string | null>(null)
  const [cited, setCited] = useState<string[]>([])
  const [files, setFiles] = useState<UploadFile[]>([])
  const uploaded = files.filter((f) => f.status === 'done' && f.response?.id).map((f) => f.response.id as string)
  const isUploading = files.some((f) => f.status === 'uploading')
  const fieldError = error instanceof ApiError ? error.fieldErrors.body?.[0] : undefined
  return (
    <Modal open title={t('tickets.action.reply')} okText={t('tickets.action.reply')} onCancel={onCancel} width={760}
      okButtonProps={{ disabled: !body.trim() || isUploading, loading: isPending, 'data-testid': 'reply-ok' } as ButtonProps}
      onOk={() => onOk({ body: body.trim(), faqEntryIds: cited, templateId, ...(uploaded.length ? { attachmentIds: uploaded } : {}) })}>
      <Form layout="vertical">
        <Form.Item label={t('tickets.action.template')}>
          <Select allowClear value={templateId ?? undefined} placeholder={t('tickets.action.template')} data-testid="reply-template"
            options={(templates.data ?? []).filter((x) => x.isActive).map((x) => ({ value: x.id, label: x.name }))}
            onChange={(id?: string) => {
              setTemplateId(id ?? null)
              const tpl = templates.data?.find((x) => x.id === id)
              if (tpl) setBody(tpl.body.replaceAll('{title}', ticket.title).replaceAll('{number}', ticket.number))
            }} />
        </Form.Item>
        <Form.Item label={t('tickets.action.replyBody')} required extra={t('tickets.action.replyHint')} validateStatus={fieldError ? 'error' : undefined} help={fieldError}>
          <Input.TextArea rows={8} maxLength={10000} showCount value={body} onChange={(e) => setBody(e.target.value)} data-testid="reply-body" />
        </Form.Item>
        <Form.Item label={t('tickets.action.attachments')}>
          <Upload
            accept="image/jpeg,image/png,image/webp"
            listType="picture"
            maxCount={9}
            fileList={files}
            onChange={({ fileList }) => setFiles(fileList)}
            beforeUpload={(file) => (file.size > 10 * 1024 * 1024 ? (Modal.error({ title: t('tickets.action.tooLarge') }), Upload.LIST_IGNORE) : true)}
            customRequest={({ file, onSuccess, onError }) => {
              // The media library checks the content (JPEG, PNG, WebP) and keeps the original for handlers only.
              const form = new FormData()
              form.append('file', file as Blob)
              api<{ id: string }>(`/tickets/${ticket.id}/uploads`, { method: 'POST', body: form })
                .then((res) => onSuccess?.(res))
                .catch((err: Error) => onError?.(err))
            }}
          >
            <Button icon={<UploadOutlined />}>{t('tickets.action.upload')}</Button>
          </Upload>
        </Form.Item>
        <Typography.Text strong>{t('tickets.action.faqSuggestions')}</Typography.Text>
        <List
          size="small"
          loading={suggestions.isPending}
          dataSource={faqItems}
          locale={{ emptyText: t('tickets.action.noFaq') }}
          renderItem={(f) => {
            const isCited = cited.includes(f.id)
            return (
              <List.Item data-testid="faq-suggestion" actions={[
                <Button key="c" size="small" type={isCited ? 'primary' : 'default'} onClick={() => setCited(isCited ? cited.filter((x) => x !== f.id) : [...cited, f.id].slice(0, 10))}>
                  {isCited ? t('tickets.action.cited') : t('tickets.action.cite')}
                </Button>,
              ]}>
                <List.Item.Meta title={f.question} description={<Typography.Paragraph ellipsis={{ rows: 2 }} style={{ margin: 0 }}>{f.answer}</Typography.Paragraph>} />
              </List.Item>
            )
          }}
        />
      </Form>
    </Modal>
  )
}

function ExtensionDialog({ isPending, onCancel, onOk }: { isPending: boolean; onCancel: () => void; onOk: (b: { days: number; reason: string }) => void }) {
  const [days, setDays] = useState<number | null>(5)
  const [reason, setReason] = useState('')
  return (
    <Modal open title={t('tickets.action.extension')} okText={t('tickets.action.extension')} onCancel={onCancel}
      okButtonProps={{ disabled: !days || !reason.trim(), loading: isPending }} onOk={() => onOk({ days: days!, reason: reason.trim() })}>
      <Form layout="vertical">
        <Form.Item label={t('tickets.action.extensionDays')} required extra="1–30">
          <InputNumber min={1} max={30} precision={0} value={days} onChange={setDays} />
        </Form.Item>
        <Form.Item label={t('tickets.action.extensionReason')} required>
          <Input.TextArea rows={3} maxLength={500} showCount value={reason} onChange={(e) => setReason(e.target.value)} />
        </Form.Item>
      </Form>
    </Modal>
  )
}

function ReviewDialog({ publicBody, original, isPending, onCancel, onOk }: {
  publicBody: string; original: string; isPending: boolean; onCancel: () => void
  onOk: (b: { decision: 'approve' | 'reject'; note?: string; publicBody?: string }) => void
}) {
  const [text, setText] = useState(publicBody)
  const [note, setNote] = useState('')
  const edited = text.trim() && text !== publicBody ? { publicBody: text } : {}
  return (
    <Modal open title={t('nav.ticketReview')} onCancel={onCancel} width={760} footer={[
      <Button key="reject" danger disabled={!note.trim()} loading={isPending} onClick={() => onOk({ decision: 'reject', note: note.trim() })} data-testid="review-reject">{t('tickets.action.rejectReply')}</Button>,
      <Button key="approve" type="primary" disabled={!text.trim()} loading={isPending} onClick={() => onOk({ decision: 'approve', ...(note.trim() ? { note: note.trim() } : {}), ...edited })} data-testid="review-approve">{t('tickets.action.approveReply')}</Button>,
    ]}>
      <Form layout="vertical">
        <Form.Item label={t('tickets.detail.original')}>
          <div className="rm-ticket-reply-body">{original}</div>
        </Form.Item>
        <Form.Item label={t('tickets.action.publicBody')}>
          <Input.TextArea rows={6} maxLength={10000} value={text} onChange={(e) => setText(e.target.value)} data-testid="review-public" />
        </Form.Item>
        <Form.Item label={t('tickets.action.reviewNote')} extra={t('tickets.action.reviewNoteHint')}>
          <Input.TextArea rows={2} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} />
        </Form.Item>
      </Form>
    </Modal>
  )
}
