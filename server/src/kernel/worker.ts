import type { Database } from '../db/database.js'
import { dispatchEvents, type EventHandler } from './events.js'

export interface Workers {
  stop(): Promise<void>
}

/** A job run every `intervalMs`; a run never overlaps the previous one of the same job. */
export interface PeriodicJob {
  name: string
  intervalMs: number
  run(): Promise<unknown>
}

/**
 * Background work of one process: delivers outbox events every `intervalMs` (sooner when a
 * batch was full). `rongmei serve` runs it in-process; at scale `rongmei worker` runs it alone.
 */
export function startWorkers({ db, handlers, intervalMs = 1000, onError, jobs = [] }: {
  db: Database
  handlers: ReadonlyMap<string, EventHandler[]>
  intervalMs?: number
  onError: (error: unknown) => void
  /** Work done on a clock rather than on an event (e.g. the tickets' overdue scan). */
  jobs?: readonly PeriodicJob[]
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

  const jobTimers = new Map<string, NodeJS.Timeout>()
  const jobRuns = new Map<string, Promise<void>>()
  for (const job of jobs) {
    const runJob = async () => {
      try {
        await job.run()
      } catch (error) {
        onError(error)
      }
      if (!isStopping) jobTimers.set(job.name, setTimeout(() => jobRuns.set(job.name, runJob()), job.intervalMs))
    }
    jobTimers.set(job.name, setTimeout(() => jobRuns.set(job.name, runJob()), job.intervalMs))
  }

  return {
    async stop() {
      isStopping = true
      clearTimeout(timer)
      for (const t of jobTimers.values()) clearTimeout(t)
      await running
      await Promise.all(jobRuns.values())
    },
  }
}
