import { useRef, useState } from 'react'
import { Button, Card, List, Progress, Typography, Upload } from 'antd'
import { InboxOutlined } from '@ant-design/icons'
import { useQueryClient } from '@tanstack/react-query'
import { errorMessage } from '../../api/client'
import { uploadAsset, type Asset } from '../../api/assets'
import { t } from '../../i18n'
import { formatBytes } from './assetBits'

interface Item {
  key: string
  file: File
  state: 'waiting' | 'sending' | 'done' | 'refused'
  fraction: number
  retry?: number
  reason?: string
  asset?: Asset
}

/** Two files at a time: enough to fill the line, few enough not to starve the page. */
const PARALLEL = 2

/**
 * Drag and drop (or pick) many files; each shows its own progress and, when refused, the
 * server's reason in Chinese. Large files go through the resumable API (uploadAsset decides).
 */
export function UploadPanel({ onUploaded }: { onUploaded?: (asset: Asset) => void }) {
  const qc = useQueryClient()
  const [items, setItems] = useState<Item[]>([])
  const running = useRef(0)
  const queue = useRef<Item[]>([])

  const patch = (key: string, change: Partial<Item>) => setItems((list) => list.map((i) => (i.key === key ? { ...i, ...change } : i)))

  const pump = () => {
    while (running.current < PARALLEL && queue.current.length > 0) {
      const item = queue.current.shift()!
      running.current += 1
      patch(item.key, { state: 'sending' })
      uploadAsset(item.file, (p) => patch(item.key, { fraction: p.fraction, retry: p.retry }))
        .then((asset) => {
          patch(item.key, { state: 'done', fraction: 1, asset, retry: undefined })
          onUploaded?.(asset)
          void qc.invalidateQueries({ queryKey: ['assets'] })
        })
        .catch((err: unknown) => patch(item.key, { state: 'refused', reason: errorMessage(err), retry: undefined }))
        .finally(() => {
          running.current -= 1
          pump()
        })
    }
  }

  const add = (file: File) => {
    const item: Item = { key: `${file.name}-${file.size}-${Math.random().toString(36).slice(2)}`, file, state: 'waiting', fraction: 0 }
    setItems((list) => [item, ...list])
    queue.current.push(item)
    pump()
    return false as const
  }

  const done = items.filter((i) => i.state === 'done').length
  const failed = items.filter((i) => i.state === 'refused').length

  return (
    <Card className="rm-upload-card" size="small">
      <div data-testid="asset-upload">
      <Upload.Dragger multiple showUploadList={false} beforeUpload={add}>
        <p className="ant-upload-drag-icon"><InboxOutlined /></p>
        <p className="ant-upload-text">{t('assets.upload.drop')}</p>
        <p className="ant-upload-hint">{t('assets.upload.hint')}</p>
      </Upload.Dragger>
      </div>
      {items.length > 0 && (
        <>
          <div className="rm-upload-summary">
            <Typography.Text type="secondary">{t('assets.upload.summary', { done, failed })}</Typography.Text>
            <Button size="small" type="link" onClick={() => setItems((list) => list.filter((i) => i.state === 'waiting' || i.state === 'sending'))}>
              {t('assets.upload.clear')}
            </Button>
          </div>
          <List
            size="small"
            dataSource={items}
            renderItem={(i) => (
              <List.Item>
                <div className="rm-upload-row" data-testid="upload-item" data-state={i.state}>
                  <Typography.Text ellipsis style={{ maxWidth: '100%' }}>
                    {i.file.name} <Typography.Text type="secondary">{formatBytes(i.file.size)}</Typography.Text>
                  </Typography.Text>
                  {i.state === 'refused' ? (
                    <Typography.Text type="danger" data-testid="upload-reason">{t('assets.upload.refused')}：{i.reason}</Typography.Text>
                  ) : (
                    <>
                      <Progress percent={Math.round(i.fraction * 100)} size="small" status={i.state === 'done' ? 'success' : 'active'} />
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {i.retry ? t('assets.upload.retrying', { attempt: i.retry }) : t(`assets.upload.${i.state}`)}
                      </Typography.Text>
                    </>
                  )}
                </div>
              </List.Item>
            )}
          />
        </>
      )}
    </Card>
  )
}
