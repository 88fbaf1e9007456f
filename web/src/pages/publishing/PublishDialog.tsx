import { useEffect, useMemo, useState } from 'react'
import { Alert, Button, Checkbox, Collapse, DatePicker, Empty, Form, Input, Modal, Radio, Select, Space, Spin, Tag, Typography } from 'antd'
import { CheckCircleOutlined, CloseCircleOutlined, ExclamationCircleOutlined } from '@ant-design/icons'
import dayjs, { type Dayjs } from 'dayjs'
import { ApiError, errorMessage } from '../../api/client'
import {
  builtChannels, coverCrops, useAccounts, useChannelSets, usePublish, usePublishPreview, useStoryPublications,
  type Account, type AccountCheck, type CoverCrop, type Overrides, type PublishInput,
} from '../../api/publishing'
import type { StoryState } from '../../api/stories'
import { useFeedback } from '../../components/feedback'
import { t, type MessageKey } from '../../i18n'
import { formatDateTime } from '../../lib/time'
import { AccountStatusTag, ChannelTag } from './shared'

export interface PublishableStory {
  id: string
  title: string
  state: StoryState
  versionNumber: number
  /** Whether the story went back into review after a sign-off (an edit of a signed-off version). */
  wasSignedOff?: boolean
}

/** Why a story cannot go out, in the words the newsroom uses; null when it can. */
export function whyNotPublishable(story: PublishableStory): string | null {
  switch (story.state) {
    case 'signed_off': return null
    case 'in_review': return t(story.wasSignedOff ? 'pub.publish.editedAfterSignOff' : 'pub.publish.notSignedOff')
    case 'returned': return t('pub.publish.returned')
    case 'rejected': return t('pub.publish.rejected')
    default: return t('pub.publish.notSignedOff')
  }
}

/** The channel's problems as the server reports them: `<account name>.<field>` → message. */
function problemsByAccount(err: ApiError, accounts: Account[]): { name: string; messages: string[] }[] {
  const groups = new Map<string, string[]>()
  for (const e of err.problem.errors ?? []) {
    const field = e.field.replace(/^\/?(body[./])?/, '')
    const account = accounts.find((a) => field.startsWith(`${a.name}.`))
    const name = account?.name ?? field
    groups.set(name, [...(groups.get(name) ?? []), e.message])
  }
  return [...groups].map(([name, messages]) => ({ name, messages }))
}

/** The value after it has stopped changing for `ms`: typing an override re-checks once, not per key. */
function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value)
  const key = JSON.stringify(value)
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms)
    return () => clearTimeout(timer)
    // Keyed by content, not identity: a new object with the same content is no change.
  }, [key, ms])
  return settled
}

/** `n / limit` in the channel's own counting; over the limit it is marked, not only coloured. */
function LengthCount({ n, limit, label }: { n: number; limit: number | null; label: string }) {
  const isOver = limit !== null && n > limit
  const text = limit === null ? t('pub.publish.countNoLimit', { n }) : t('pub.publish.count', { n, limit })
  return isOver
    ? <Tag color="error" icon={<CloseCircleOutlined />} data-testid="publish-count" data-over="true" aria-label={`${label} ${text}`}>{t('pub.publish.countOver', { text })}</Tag>
    : <Typography.Text type="secondary" data-testid="publish-count" data-over="false">{text}</Typography.Text>
}

/** One account's check: its problems (errors block, warnings inform) and what the channel will show. */
function AccountCheckCard({ check }: { check: AccountCheck }) {
  const errors = check.problems.filter((p) => p.severity === 'error')
  const warnings = check.problems.filter((p) => p.severity === 'warning')
  const state = errors.length > 0 ? 'error' : warnings.length > 0 ? 'warning' : 'ok'
  const { preview } = check
  return (
    <div className="rm-pub-check" data-testid="publish-check" data-account={check.accountId} data-channel={check.channel} data-state={state}>
      <Space wrap size={4}>
        <Typography.Text strong>{check.accountName}</Typography.Text>
        <ChannelTag channel={check.channel} />
        {state === 'ok' && <Tag color="success" icon={<CheckCircleOutlined />}>{t('pub.publish.checkOk')}</Tag>}
        {errors.length > 0 && <Tag color="error" icon={<CloseCircleOutlined />}>{t('pub.publish.checkErrors', { n: errors.length })}</Tag>}
        {warnings.length > 0 && <Tag color="warning" icon={<ExclamationCircleOutlined />}>{t('pub.publish.checkWarnings', { n: warnings.length })}</Tag>}
      </Space>
      {check.problems.length > 0 && (
        <ul className="rm-pub-check-problems">
          {check.problems.map((p) => (
            <li key={`${p.code}-${p.field}`} data-testid="publish-problem" data-severity={p.severity} data-code={p.code}>
              {p.severity === 'error' ? <CloseCircleOutlined className="rm-pub-icon-error" /> : <ExclamationCircleOutlined className="rm-pub-icon-warning" />}
              <span>{t(p.severity === 'error' ? 'pub.publish.severity.error' : 'pub.publish.severity.warning')}{p.message}</span>
            </li>
          ))}
        </ul>
      )}
      <dl className="rm-pub-preview">
        <dt>{t('pub.publish.previewTitle')}</dt>
        <dd><span data-testid="publish-preview-title">{preview.title}</span> <LengthCount n={preview.titleLength} limit={preview.titleLimit} label={t('pub.publish.previewTitle')} /></dd>
        {preview.text !== null ? (
          <>
            <dt>{t('pub.publish.previewPost')}</dt>
            <dd><span data-testid="publish-preview-text">{preview.text}</span> <LengthCount n={preview.textLength} limit={preview.textLimit} label={t('pub.publish.previewPost')} /></dd>
          </>
        ) : (
          <>
            {preview.summary && <><dt>{t('pub.publish.previewSummary')}</dt><dd>{preview.summary}</dd></>}
            <dt>{t('pub.publish.previewBody')}</dt>
            <dd><LengthCount n={preview.textLength} limit={preview.textLimit} label={t('pub.publish.previewBody')} /></dd>
          </>
        )}
        <dt>{t('pub.publish.previewCover')}</dt>
        <dd>{preview.coverUrl ? <img src={preview.coverUrl} alt={t('pub.publish.previewCoverAlt', { name: check.accountName })} className="rm-pub-preview-cover" /> : <Typography.Text type="secondary">{t('pub.publish.noCover')}</Typography.Text>}</dd>
      </dl>
    </div>
  )
}

interface Props {
  story: PublishableStory
  onClose: () => void
  onPublished?: () => void
}

/**
 * 发布: choose accounts (or a saved set), adjust title/summary/cover crop per account, send now or
 * at a time. As accounts and overrides change the server checks each channel (发布前检查) and the
 * dialog shows every account's problems and what the channel will receive; errors block 发布.
 * The server checks again when sending, and its refusal is shown per account as well.
 */
export function PublishDialog({ story, onClose, onPublished }: Props) {
  const reason = whyNotPublishable(story)
  const accounts = useAccounts()
  const sets = useChannelSets()
  const existing = useStoryPublications(story.id)
  const publish = usePublish(story.id)
  const feedback = useFeedback()
  const [selected, setSelected] = useState<string[]>([])
  const [overrides, setOverrides] = useState<Record<string, Overrides>>({})
  const [when, setWhen] = useState<'now' | 'later'>('now')
  const [at, setAt] = useState<Dayjs | null>(null)
  const [correctionNote, setCorrectionNote] = useState('')
  const [localError, setLocalError] = useState<string | null>(null)
  const [problems, setProblems] = useState<{ name: string; messages: string[] }[] | null>(null)

  // Only channels with adapters are offered; the others are not half-built pickers.
  const offered = useMemo(() => (accounts.data ?? []).filter((a) => (builtChannels as readonly string[]).includes(a.channel)), [accounts.data])
  const chosen = useMemo(() => offered.filter((a) => selected.includes(a.id)), [offered, selected])
  const liveAccountIds = new Set((existing.data ?? []).filter((p) => p.status === 'live').map((p) => p.accountId))
  const isCorrecting = chosen.some((a) => liveAccountIds.has(a.id))

  function setOverride(id: string, patch: Overrides) {
    setOverrides((all) => ({ ...all, [id]: { ...all[id], ...patch } }))
  }

  function applySet(setId: string | undefined) {
    const set = sets.data?.find((s) => s.id === setId)
    if (!set) return
    setSelected(set.accountIds.filter((id) => offered.some((a) => a.id === id && a.status === 'active')))
  }

  // What is sent, less the time and the correction note: the check depends only on accounts and overrides.
  const target = useMemo<PublishInput | null>(() => {
    if (chosen.length === 0) return null
    const cleaned: Record<string, Overrides> = {}
    for (const a of chosen) {
      const o = overrides[a.id] ?? {}
      const entry: Overrides = {
        ...(o.title?.trim() ? { title: o.title.trim() } : {}),
        ...(o.summary?.trim() ? { summary: o.summary.trim() } : {}),
        ...(o.coverCrop ? { coverCrop: o.coverCrop } : {}),
      }
      if (Object.keys(entry).length) cleaned[a.id] = entry
    }
    return { accounts: chosen.map((a) => a.id), ...(Object.keys(cleaned).length ? { overrides: cleaned } : {}) }
  }, [chosen, overrides])
  const settledTarget = useSettled(target, 400)
  const check = usePublishPreview(story.id, reason ? null : settledTarget)
  const isCheckCurrent = JSON.stringify(settledTarget) === JSON.stringify(target) && !check.isFetching
  const checks = target && check.data ? check.data.items.filter((c) => target.accounts!.includes(c.accountId)) : []
  const errorCount = checks.reduce((n, c) => n + c.problems.filter((p) => p.severity === 'error').length, 0)
  // Errors block 发布 until the editor fixes them here (an override) or at the source (the story, the account).
  const isBlocked = target !== null && errorCount > 0

  async function submit() {
    setLocalError(null)
    setProblems(null)
    if (!target) return setLocalError(t('pub.publish.chooseAccount'))
    if (isBlocked) return setLocalError(t('pub.publish.blockedByErrors', { n: errorCount }))
    if (when === 'later' && !at) return setLocalError(t('pub.publish.scheduleRequired'))
    if (when === 'later' && at && at.isBefore(dayjs())) return setLocalError(t('pub.publish.schedulePast'))
    const tooLong = chosen.filter((a) => a.capabilities && (overrides[a.id]?.title ?? '').length > a.capabilities.maxTitleLength)
    if (tooLong.length) return setLocalError(tooLong.map((a) => t('pub.publish.titleTooLong', { name: a.name, n: a.capabilities!.maxTitleLength })).join('；'))

    const input: PublishInput = {
      ...target,
      ...(when === 'later' && at ? { scheduleAt: at.toDate().toISOString() } : {}),
      ...(isCorrecting && correctionNote.trim() ? { correctionNote: correctionNote.trim() } : {}),
    }
    try {
      await publish.mutateAsync(input)
      feedback.success(when === 'later' && at ? t('pub.publish.scheduled', { at: formatDateTime(at.toDate()) }) : t('pub.publish.sent'))
      onPublished?.()
      onClose()
    } catch (err) {
      if (err instanceof ApiError && err.code === 'PUBLICATION_INVALID') setProblems(problemsByAccount(err, offered))
      else setLocalError(errorMessage(err))
    }
  }

  const footer = reason
    ? [<Button key="close" onClick={onClose}>{t('pub.close')}</Button>]
    : [
      <Button key="cancel" onClick={onClose}>{t('pub.cancel')}</Button>,
      <Button key="ok" type="primary" loading={publish.isPending} disabled={isBlocked} onClick={() => void submit()} data-testid="publish-submit">
        {t(when === 'later' ? 'pub.publish.submitScheduled' : 'pub.publish.submit')}
      </Button>,
    ]

  return (
    <Modal open title={t('pub.publish.title', { title: story.title })} onCancel={onClose} footer={footer} width={680} destroyOnHidden>
      {reason ? (
        <Alert type="warning" showIcon title={t('pub.publish.cannot')} description={reason} data-testid="publish-blocked" />
      ) : (
        <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="publish-dialog">
          <Typography.Text type="secondary">{t('pub.publish.version', { n: story.versionNumber })}</Typography.Text>
          {localError && <Alert type="error" showIcon title={localError} data-testid="publish-error" />}
          {problems && (
            <Alert
              type="error"
              showIcon
              title={t('pub.publish.problems')}
              data-testid="publish-problems"
              description={
                <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                  {problems.map((p) => <li key={p.name}><strong>{p.name}</strong>：{p.messages.join('；')}</li>)}
                </ul>
              }
            />
          )}
          {(sets.data?.length ?? 0) > 0 && (
            <Form.Item label={t('pub.publish.set')} style={{ marginBottom: 0 }}>
              <Select allowClear placeholder={t('pub.publish.setPlaceholder')} onChange={applySet} options={sets.data!.map((s) => ({ value: s.id, label: s.name }))} data-testid="publish-set" />
            </Form.Item>
          )}
          <div>
            <Typography.Text strong>{t('pub.publish.accounts')}</Typography.Text>
            {accounts.error ? <Alert type="error" showIcon title={errorMessage(accounts.error)} /> : offered.length === 0 && !accounts.isLoading ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('pub.publish.noAccounts')} />
            ) : (
              <Checkbox.Group value={selected} onChange={(v) => { setSelected(v as string[]); setLocalError(null) }} style={{ display: 'flex', flexDirection: 'column', gap: 6, marginTop: 8 }}>
                {offered.map((a) => (
                  <Checkbox key={a.id} value={a.id} disabled={a.status !== 'active'} data-testid="publish-account" data-channel={a.channel} data-account={a.id}>
                    <Space wrap size={4}>
                      <span>{a.name}</span>
                      <ChannelTag channel={a.channel} />
                      {a.status !== 'active' && <AccountStatusTag status={a.status} />}
                      {liveAccountIds.has(a.id) && <Typography.Text type="secondary">{t('pub.publish.liveAlready')}</Typography.Text>}
                    </Space>
                  </Checkbox>
                ))}
              </Checkbox.Group>
            )}
          </div>
          {chosen.length > 0 && (
            <Collapse
              size="small"
              items={[{
                key: 'overrides',
                label: t('pub.publish.overrides'),
                children: chosen.map((a) => (
                  <fieldset key={a.id} className="rm-pub-override">
                    <legend>{a.name}</legend>
                    <Form layout="vertical" component="div">
                      <Form.Item label={t('pub.publish.overrideTitle')} extra={a.capabilities ? t('pub.publish.titleLimit', { n: a.capabilities.maxTitleLength }) : undefined} style={{ marginBottom: 8 }}>
                        <Input value={overrides[a.id]?.title ?? ''} placeholder={story.title} showCount={a.capabilities ? { formatter: ({ count }) => `${count} / ${a.capabilities!.maxTitleLength}` } : false} onChange={(e) => setOverride(a.id, { title: e.target.value })} status={a.capabilities && (overrides[a.id]?.title ?? '').length > a.capabilities.maxTitleLength ? 'error' : undefined} />
                      </Form.Item>
                      <Form.Item label={t('pub.publish.overrideSummary')} style={{ marginBottom: 8 }}>
                        <Input.TextArea value={overrides[a.id]?.summary ?? ''} autoSize={{ minRows: 2, maxRows: 4 }} maxLength={2000} onChange={(e) => setOverride(a.id, { summary: e.target.value })} />
                      </Form.Item>
                      <Form.Item label={t('pub.publish.overrideCrop')} style={{ marginBottom: 0 }}>
                        <Select allowClear value={overrides[a.id]?.coverCrop} onChange={(v: CoverCrop | undefined) => setOverride(a.id, { coverCrop: v })} options={coverCrops.map((c) => ({ value: c, label: t(`pub.crop.${c}` as MessageKey) }))} style={{ maxWidth: 260 }} />
                      </Form.Item>
                    </Form>
                  </fieldset>
                )),
              }]}
            />
          )}
          {target && (
            <section aria-label={t('pub.publish.checkTitle')} data-testid="publish-checks" data-current={isCheckCurrent ? 'true' : 'false'}>
              <Space size={8}>
                <Typography.Text strong>{t('pub.publish.checkTitle')}</Typography.Text>
                {!isCheckCurrent && <Spin size="small" aria-label={t('pub.publish.checking')} />}
              </Space>
              {check.error ? (
                <Alert type="error" showIcon title={t('pub.publish.checkFailed', { message: errorMessage(check.error) })} data-testid="publish-check-error" style={{ marginTop: 8 }} />
              ) : (
                <div className="rm-pub-checks">{checks.map((c) => <AccountCheckCard key={c.accountId} check={c} />)}</div>
              )}
              {isBlocked && <Alert type="error" showIcon title={t('pub.publish.blockedByErrors', { n: errorCount })} data-testid="publish-check-blocked" style={{ marginTop: 8 }} />}
            </section>
          )}
          {isCorrecting && (
            <Form.Item label={t('pub.publish.correctionNote')} extra={t('pub.publish.correctionNoteHelp')} style={{ marginBottom: 0 }}>
              <Input.TextArea value={correctionNote} onChange={(e) => setCorrectionNote(e.target.value)} maxLength={2000} autoSize={{ minRows: 2 }} />
            </Form.Item>
          )}
          <div>
            <Typography.Text strong>{t('pub.publish.when')}</Typography.Text>
            <div style={{ marginTop: 8 }}>
              <Radio.Group value={when} onChange={(e) => setWhen(e.target.value as 'now' | 'later')} data-testid="publish-when">
                <Radio value="now">{t('pub.publish.now')}</Radio>
                <Radio value="later">{t('pub.publish.later')}</Radio>
              </Radio.Group>
              {when === 'later' && (
                <DatePicker
                  showTime={{ format: 'HH:mm' }}
                  format="YYYY-MM-DD HH:mm"
                  value={at}
                  onChange={setAt}
                  disabledDate={(d) => d.isBefore(dayjs().startOf('day'))}
                  aria-label={t('pub.publish.later')}
                  data-testid="publish-at"
                  style={{ marginTop: 8, display: 'flex', maxWidth: 260 }}
                />
              )}
            </div>
          </div>
        </Space>
      )}
    </Modal>
  )
}
