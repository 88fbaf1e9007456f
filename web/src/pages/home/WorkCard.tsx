import { Card, Col, Row, Skeleton, Statistic, Typography } from 'antd'
import { useQueries } from '@tanstack/react-query'
import { Link } from 'react-router-dom'
import { api } from '../../api/client'
import type { Page } from '../../api/types'
import { usePermissions } from '../../auth/permissions'
import { t } from '../../i18n'

/** Counted from the first page of a list: "50+" says there is more than one page. */
const PAGE = 50

type TileKey = 'drafts' | 'review' | 'reviewOverdue' | 'publishFailed' | 'ticketsInbox' | 'ticketsToSign' | 'ticketsInProgress' | 'ticketsReplyReview' | 'ticketsOverdue'

interface Tile {
  key: TileKey
  /** The list the tile counts, as the page it links to shows it. */
  path: string
  to: string
  /** Anything here is a problem (late, failed): shown in red when above zero. */
  isAlarm?: boolean
}

const REVIEW_PERMISSIONS = ['story.review.first', 'story.review.second', 'story.review.final', 'story.proofread', 'story.signoff.head']

/** The to-do tiles this person's permissions call for, in the order of the day's work. */
function tilesFor(can: (code: string) => boolean, canAny: (codes: readonly string[]) => boolean): Tile[] {
  const tiles: Tile[] = []
  if (can('story.create')) tiles.push({ key: 'drafts', path: `/stories?state=draft&mine=true&limit=${PAGE}`, to: '/stories' })
  if (canAny(REVIEW_PERMISSIONS)) {
    tiles.push({ key: 'review', path: `/review/queue?limit=${PAGE}`, to: '/review' })
    tiles.push({ key: 'reviewOverdue', path: `/review/queue?overdue=true&limit=${PAGE}`, to: '/review', isAlarm: true })
  }
  if (can('publication.read')) tiles.push({ key: 'publishFailed', path: `/publications?status=failed&limit=${PAGE}`, to: '/publishing', isAlarm: true })
  if (can('ticket.dispatch')) {
    tiles.push({ key: 'ticketsInbox', path: `/tickets?state=submitted&state=accepted&state=returned&limit=${PAGE}`, to: '/tickets/inbox' })
  } else if (can('ticket.handle')) {
    tiles.push({ key: 'ticketsToSign', path: `/tickets?state=routed&limit=${PAGE}`, to: '/tickets/workbench' })
    tiles.push({ key: 'ticketsInProgress', path: `/tickets?state=signed_for&state=in_progress&limit=${PAGE}`, to: '/tickets/workbench' })
  }
  if (can('ticket.reply.review')) tiles.push({ key: 'ticketsReplyReview', path: `/tickets?state=reply_review&limit=${PAGE}`, to: '/tickets/review' })
  if (can('ticket.dispatch') || can('ticket.handle')) {
    tiles.push({ key: 'ticketsOverdue', path: `/tickets?overdue=true&limit=${PAGE}`, to: can('ticket.dispatch') ? '/tickets/supervision' : '/tickets/workbench', isAlarm: true })
  }
  return tiles
}

/** 我的待办: what waits for this person now, each figure a link to the list it counts. */
export function WorkCard() {
  const { can, canAny } = usePermissions()
  const tiles = tilesFor(can, canAny)
  const counts = useQueries({
    queries: tiles.map((tile) => ({
      queryKey: ['home-work', tile.path],
      queryFn: ({ signal }: { signal: AbortSignal }) => api<Page<unknown>>(tile.path, { signal }),
      refetchInterval: 60_000,
    })),
  })
  if (tiles.length === 0) return null
  return (
    <Card title={t('home.work.title')} data-testid="home-work">
      <Row gutter={[16, 16]}>
        {tiles.map((tile, i) => {
          const { data, isPending, isError } = counts[i]!
          const count = data ? data.items.length : 0
          const isAlarming = Boolean(tile.isAlarm && count > 0)
          const label = t(`home.work.${tile.key}` as const)
          return (
            <Col key={tile.key} xs={12} sm={8} lg={6} xl={4}>
              <Link to={tile.to} data-testid={`home-work-${tile.key}`} aria-label={`${label}：${count}`}>
                {isPending ? <Skeleton active paragraph={false} /> : isError ? (
                  <Statistic title={label} value="—" />
                ) : (
                  <Statistic title={label} value={data?.nextCursor ? `${count}+` : count}
                    styles={{ content: { color: isAlarming ? '#cf1322' : undefined } }} />
                )}
              </Link>
            </Col>
          )
        })}
      </Row>
      <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>{t('home.work.hint')}</Typography.Paragraph>
    </Card>
  )
}
