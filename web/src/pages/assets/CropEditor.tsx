import { useState, type MouseEvent, type KeyboardEvent } from 'react'
import { Button, Empty, Modal, Space, Typography } from 'antd'
import { channelCrops, useAssetActions, type Asset } from '../../api/assets'
import { useFeedback } from '../../components/feedback'
import { t } from '../../i18n'

/**
 * The largest region with the crop's aspect ratio, centred on the focal point as far as the
 * picture allows: the same arithmetic as the server (modules/assets/derivatives.ts cropRegion),
 * so the preview is the crop the channel will get.
 */
export function cropRegion(width: number, height: number, ratio: number, focal: { x: number; y: number }) {
  const w = Math.min(width, Math.round(height * ratio))
  const h = Math.min(height, Math.round(w / ratio))
  const left = Math.min(Math.max(Math.round(focal.x * width - w / 2), 0), width - w)
  const top = Math.min(Math.max(Math.round(focal.y * height - h / 2), 0), height - h)
  return { left, top, width: w, height: h }
}

const PREVIEW_WIDTH = 150
const STEP = 0.02

/** Click the subject; every channel crop previews around it; save remakes the crops on the server. */
export function CropEditor({ asset, onClose }: { asset: Asset; onClose: () => void }) {
  const web = asset.renditions.find((r) => r.name === 'web' && r.format === 'jpeg' && r.isPublic)
  const [focal, setFocal] = useState(asset.focalPoint)
  const { focal: save } = useAssetActions(asset.id)
  const feedback = useFeedback()

  const pick = (e: MouseEvent<HTMLDivElement>) => {
    const box = e.currentTarget.getBoundingClientRect()
    setFocal({ x: clamp((e.clientX - box.left) / box.width), y: clamp((e.clientY - box.top) / box.height) })
  }
  // Arrow keys move the point too, for people who do not use a mouse.
  const nudge = (e: KeyboardEvent<HTMLDivElement>) => {
    const moves: Record<string, [number, number]> = { ArrowLeft: [-STEP, 0], ArrowRight: [STEP, 0], ArrowUp: [0, -STEP], ArrowDown: [0, STEP] }
    const move = moves[e.key]
    if (!move) return
    e.preventDefault()
    setFocal((f) => ({ x: clamp(f.x + move[0]), y: clamp(f.y + move[1]) }))
  }

  const submit = () =>
    save.mutate(focal, {
      onSuccess: () => {
        feedback.success(t('assets.crop.saved'))
        onClose()
      },
      onError: feedback.error,
    })

  return (
    <Modal
      open
      title={t('assets.crop.title')}
      onCancel={onClose}
      width={980}
      rootClassName="rm-crop-modal"
      footer={[
        <Button key="reset" onClick={() => setFocal({ x: 0.5, y: 0.5 })}>{t('assets.crop.reset')}</Button>,
        <Button key="cancel" onClick={onClose}>{t('assets.cancel')}</Button>,
        <Button key="save" type="primary" loading={save.isPending} onClick={submit} disabled={!web} data-testid="crop-save">{t('assets.crop.save')}</Button>,
      ]}
    >
      {!web || !web.width || !web.height ? (
        <Empty description={t('assets.crop.noImage')} />
      ) : (
        <div className="rm-crop">
          <div>
            <Typography.Paragraph type="secondary">{t('assets.crop.hint')}</Typography.Paragraph>
            <div
              className="rm-crop-stage"
              onClick={pick}
              onKeyDown={nudge}
              role="slider"
              tabIndex={0}
              aria-label={t('assets.crop.title')}
              aria-valuetext={`${Math.round(focal.x * 100)}%, ${Math.round(focal.y * 100)}%`}
              data-testid="crop-stage"
            >
              <img src={web.url} alt={asset.title} draggable={false} />
              <span className="rm-crop-point" style={{ left: `${focal.x * 100}%`, top: `${focal.y * 100}%` }} />
            </div>
          </div>
          <div>
            <Typography.Text strong>{t('assets.crop.preview')}</Typography.Text>
            <Space wrap size={12} style={{ marginTop: 8 }}>
              {channelCrops.map((crop) => {
                const region = cropRegion(web.width!, web.height!, crop.ratio, focal)
                const scale = PREVIEW_WIDTH / region.width
                return (
                  <figure key={crop.name} className="rm-crop-preview" data-testid="crop-preview">
                    <div style={{ width: PREVIEW_WIDTH, height: Math.round(region.height * scale) }}>
                      <img
                        src={web.url}
                        alt=""
                        style={{ width: web.width! * scale, height: web.height! * scale, left: -region.left * scale, top: -region.top * scale }}
                      />
                    </div>
                    <figcaption>{t(`assets.rendition.${crop.name}`)}</figcaption>
                  </figure>
                )
              })}
            </Space>
          </div>
        </div>
      )}
    </Modal>
  )
}

function clamp(v: number): number {
  return Math.min(1, Math.max(0, Math.round(v * 1000) / 1000))
}
