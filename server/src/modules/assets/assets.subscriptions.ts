import type { EventHandler } from '../../kernel/events.js'

/** Loads the processing code (sharp, ffmpeg glue) only when an event arrives. */
const lazy = (name: 'derivatives' | 'purge' | 'licence'): EventHandler => async (event, context) => {
  const { assetHandlers } = await import('./assets.process.js')
  await assetHandlers[name](event, context)
}

/** The media library's reactions to its own events: derivatives, purge after retention, licence checks. */
export const assetSubscriptions: Array<[eventType: string, handler: EventHandler]> = [
  ['asset.uploaded', lazy('derivatives')],
  ['asset.focal_point_changed', lazy('derivatives')],
  ['asset.purge_due', lazy('purge')],
  ['asset.licence_check', lazy('licence')],
]
