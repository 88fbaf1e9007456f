import type { Database } from '../db/database.js'
import { dispatchEvents, type EventHandler } from './events.js'

export interface Workers {
  stop(): Promise<void>
}

/**
 * Background work of one process: delivers outbox events every `intervalMs` (sooner when a
 * batch was full). `rongmei serve` runs it in-process; at scale `rongmei worker` runs it alone.
 */
export function startWorkers({ db, handlers, intervalMs = 1000, onError }: {
  db: Database
  handlers: ReadonlyMap<string, EventHandler[]>
  intervalMs?: number
  onError: (error: unknown) => void
}): Workers {
  let isStopping = false
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> = Promise.resolve()

  const tick = async () => {
    let delivered = 0
    try {
      delivered = await dispatchEvents(db, handlers)
    } catch (error) {
      onError(error)
    }
    if (!isStopping) timer = setTimeout(() => { running = tick() }, delivered > 0 ? 0 : intervalMs)
  }
  timer = setTimeout(() => { running = tick() }, intervalMs)

  return {
    async stop() {
      isStopping = true
      clearTimeout(timer)
      await running
    },
  }
}
