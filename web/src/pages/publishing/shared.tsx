import { Space, Tag, Typography } from 'antd'
import { CheckCircleOutlined, ClockCircleOutlined, CloseCircleOutlined, ExclamationCircleOutlined, StopOutlined, SyncOutlined } from '@ant-design/icons'
import type { ReactNode } from 'react'
import type { AccountStatus, ChannelKind, Publication } from '../../api/publishing'
import { tOr, t, type MessageKey } from '../../i18n'
import { formatDateTime } from '../../lib/time'

/** Channel names come from the catalogue; an unknown kind (newer server) shows as it is. */
export const channelName = (channel: ChannelKind | string) => tOr(`pub.channel.${channel}`, channel)

export function ChannelTag({ channel }: { channel: ChannelKind }) {
  return <Tag style={{ marginInlineEnd: 0 }}>{channelName(channel)}</Tag>
}

const accountColors: Record<AccountStatus, string> = { active: 'success', needs_reauth: 'warning', disabled: 'default' }
const accountIcons: Record<AccountStatus, ReactNode> = { active: <CheckCircleOutlined />, needs_reauth: <ExclamationCircleOutlined />, disabled: <StopOutlined /> }

/** Account status with icon and colour: "needs re-authorisation" must stand out from the rest. */
export function AccountStatusTag({ status }: { status: AccountStatus }) {
  return (
    <Tag color={accountColors[status]} icon={accountIcons[status]} data-testid="account-status" data-status={status} style={{ marginInlineEnd: 0 }}>
      {t(`pub.accountStatus.${status}` as MessageKey)}
    </Tag>
  )
}

/** The state a person reads: a queued publication with a future time is "scheduled". */
export function displayStatus(p: Publication): string {
  if (p.withdrawal && p.withdrawal.outcome === null && p.status !== 'withdrawn') return 'withdrawing'
  if (p.status === 'queued' && p.scheduledAt && new Date(p.scheduledAt).getTime() > Date.now()) return 'scheduled'
  return p.status
}

const statusColors: Record<string, string> = {
  queued: 'default', scheduled: 'purple', sending: 'processing', awaiting_platform: 'processing',
  live: 'success', failed: 'error', withdrawn: 'default', withdrawing: 'warning',
}
const statusIcons: Record<string, ReactNode> = {
  queued: <ClockCircleOutlined />, scheduled: <ClockCircleOutlined />, sending: <SyncOutlined spin />, awaiting_platform: <SyncOutlined spin />,
  live: <CheckCircleOutlined />, failed: <CloseCircleOutlined />, withdrawn: <StopOutlined />, withdrawing: <SyncOutlined spin />,
}

export function PublicationStatusTag({ publication }: { publication: Publication }) {
  const status = displayStatus(publication)
  return (
    <Tag color={statusColors[status]} icon={statusIcons[status]} data-testid="publication-status" data-status={publication.status} style={{ marginInlineEnd: 0 }}>
      {t(`pub.status.${status}` as MessageKey)}
    </Tag>
  )
}

/**
 * What a person needs to know beside the status: the live URL, the schedule, the platform's own
 * words and what to do on failure, the withdrawal and its outcome, the corrections made.
 */
export function PublicationDetails({ publication: p }: { publication: Publication }) {
  const lines: ReactNode[] = []
  if (p.url) {
    lines.push(
      <Typography.Link key="url" href={p.url} target="_blank" rel="noreferrer" data-testid="publication-url" style={{ wordBreak: 'break-all' }}>
        {p.url}
      </Typography.Link>,
    )
  }
  if (p.status === 'queued' && p.scheduledAt) lines.push(<Typography.Text key="at" type="secondary">{t('pub.story.scheduledAt', { at: formatDateTime(p.scheduledAt) })}</Typography.Text>)
  if (p.liveAt && p.status === 'live') lines.push(<Typography.Text key="live" type="secondary">{t('pub.story.liveAt', { at: formatDateTime(p.liveAt) })}</Typography.Text>)
  if (p.error) {
    lines.push(
      <div key="error" data-testid="publication-error">
        <Typography.Text type="danger">{t('pub.story.errorCode', { code: p.error.code })}{p.error.message}</Typography.Text>
        {p.error.hint && <div><Typography.Text strong>{t('pub.story.whatToDo')}</Typography.Text>{p.error.hint}</div>}
      </div>,
    )
  }
  if (p.withdrawal) {
    lines.push(
      <div key="withdrawal" data-testid="publication-withdrawal">
        {p.withdrawal.outcome && <Tag color={p.withdrawal.outcome === 'not_possible' ? 'error' : 'default'}>{tOr(`pub.withdrawOutcome.${p.withdrawal.outcome}`, p.withdrawal.outcome)}</Tag>}
        {p.withdrawal.reason && <Typography.Text type="secondary">{t('pub.story.withdrawReason', { reason: p.withdrawal.reason })}</Typography.Text>}
      </div>,
    )
  }
  if (p.corrections.length > 0) {
    lines.push(
      <div key="corrections">
        <Typography.Text type="secondary">{t('pub.story.corrections')}：</Typography.Text>
        {p.corrections.map((c) => (
          <div key={`${c.versionNumber}-${c.at}`}>
            {t('pub.story.correctionItem', { n: c.versionNumber, mode: tOr(`pub.correctionMode.${c.mode}`, c.mode), at: formatDateTime(c.at) })}
          </div>
        ))}
      </div>,
    )
  }
  if (lines.length === 0) return null
  return <Space orientation="vertical" size={2} style={{ width: '100%' }}>{lines}</Space>
}
