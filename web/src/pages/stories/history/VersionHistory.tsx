import { useEffect, useState } from 'react'
import { App, Button, Drawer, Grid, List, Select, Space, Tag, Typography } from 'antd'
import type { VersionMeta } from '../../../api/stories'
import { formatDateTimeShort } from '../../../lib/time'
import { t, tOr } from '../../../i18n'
import { DiffView } from './DiffView'

interface Props {
  storyId: string
  versions: VersionMeta[]
  currentVersion: number
  open: boolean
  onClose: () => void
  /** Offered when the viewer may change the story now (holds the lock). */
  onRestore?: (number: number) => Promise<void>
  /** The pair to compare when the drawer opens (else the last two versions). */
  initialPair?: [number, number] | null
}

/** Every version, newest first; any two side by side; restore an older one as a new version. */
export function VersionHistory({ storyId, versions, currentVersion, open, onClose, onRestore, initialPair }: Props) {
  const screens = Grid.useBreakpoint()
  const { modal } = App.useApp()
  const [pair, setPair] = useState<[number, number] | null>(null)
  useEffect(() => {
    if (open) setPair(initialPair ?? (currentVersion > 1 ? [currentVersion - 1, currentVersion] : null))
  }, [open, initialPair, currentVersion])

  const options = versions.map((v) => ({ value: v.number, label: t('history.versionLabel', { number: v.number }) }))
  const confirmRestore = (v: VersionMeta) =>
    modal.confirm({
      title: t('history.restoreTitle', { number: v.number }),
      content: t('history.restoreBody', { number: v.number }),
      okText: t('history.restore'),
      onOk: () => onRestore?.(v.number),
    })

  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={t('history.title')}
      size={screens.lg ? 1040 : '100%'}
      destroyOnHidden
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <Typography.Text>{t('history.compare')}</Typography.Text>
        <Select
          aria-label={t('history.from')}
          style={{ width: 120 }}
          options={options}
          value={pair?.[0]}
          onChange={(n: number) => setPair([n, pair?.[1] ?? currentVersion])}
          data-testid="diff-from"
        />
        <Typography.Text>→</Typography.Text>
        <Select
          aria-label={t('history.to')}
          style={{ width: 120 }}
          options={options}
          value={pair?.[1]}
          onChange={(n: number) => setPair([pair?.[0] ?? 1, n])}
          data-testid="diff-to"
        />
      </Space>
      {pair && pair[0] !== pair[1] ? (
        <DiffView storyId={storyId} from={Math.min(...pair)} to={Math.max(...pair)} />
      ) : (
        <Typography.Paragraph type="secondary">{t('history.pickTwo')}</Typography.Paragraph>
      )}
      <Typography.Title level={5} style={{ marginTop: 24 }}>{t('history.all')}</Typography.Title>
      <List
        size="small"
        dataSource={versions}
        renderItem={(v) => (
          <List.Item
            data-testid={`version-${v.number}`}
            actions={[
              <Button key="cmp" size="small" type="link" onClick={() => setPair([v.number, currentVersion])} disabled={v.number === currentVersion}>
                {t('history.compareWithCurrent')}
              </Button>,
              ...(onRestore && v.number !== currentVersion
                ? [<Button key="restore" size="small" type="link" onClick={() => confirmRestore(v)}>{t('history.restore')}</Button>]
                : []),
            ]}
          >
            <Space wrap>
              <Typography.Text strong>{t('history.versionLabel', { number: v.number })}</Typography.Text>
              {v.number === currentVersion && <Tag color="blue">{t('history.current')}</Tag>}
              <Tag>{tOr(`history.reason.${v.reason}`, v.reason)}</Tag>
              <Typography.Text type="secondary">{v.createdByName} · {formatDateTimeShort(v.createdAt)}</Typography.Text>
              <Typography.Text type="secondary" code style={{ fontSize: 11 }}>{v.hash.slice(0, 10)}</Typography.Text>
            </Space>
          </List.Item>
        )}
      />
    </Drawer>
  )
}
