import { useCallback, useEffect, useRef, useState } from 'react'
import { ApiError } from '../../../api/client'
import { storiesApi, type AutosaveReply, type StorySaveInput } from '../../../api/stories'

export type AutosaveState = 'clean' | 'pending' | 'saving' | 'saved' | 'failed'

/** Quiet time after the last keystroke before saving, and the longest a busy writer waits. */
const QUIET_MS = 2_500
const MAX_WAIT_MS = 15_000
const RETRY_MS = 10_000

interface Options {
  storyId: string
  isEnabled: boolean
  /** What to send, read at save time (form values, editor HTML, base version). */
  collect: () => StorySaveInput
  onSaved: (reply: AutosaveReply) => void
  onError: (error: unknown) => void
}

/**
 * Autosave to the writer's own draft (PUT /stories/{id}/draft): no version, no audit entry, and it
 * renews the edit lock. Debounced while typing, but never more than MAX_WAIT_MS behind.
 */
export function useAutosave({ storyId, isEnabled, collect, onSaved, onError }: Options) {
  const [state, setState] = useState<AutosaveState>('clean')
  const [savedAt, setSavedAt] = useState<string | null>(null)
  const timer = useRef<number | null>(null)
  const firstChange = useRef<number | null>(null)
  const isDirty = useRef(false)
  const inFlight = useRef<Promise<void> | null>(null)
  const latest = useRef({ collect, onSaved, onError, isEnabled })
  useEffect(() => {
    latest.current = { collect, onSaved, onError, isEnabled }
  })

  const cancel = useCallback(() => {
    if (timer.current !== null) window.clearTimeout(timer.current)
    timer.current = null
  }, [])

  const flush = useCallback(async (): Promise<void> => {
    cancel()
    if (inFlight.current) await inFlight.current
    if (!isDirty.current || !latest.current.isEnabled) return
    isDirty.current = false
    firstChange.current = null
    setState('saving')
    const run = storiesApi.autosave(storyId, latest.current.collect()).then(
      (reply) => {
        setSavedAt(reply.savedAt)
        // Typing during the request left new changes: keep them pending.
        setState(isDirty.current ? 'pending' : 'saved')
        latest.current.onSaved(reply)
      },
      (err: unknown) => {
        isDirty.current = true
        setState('failed')
        latest.current.onError(err)
        // A dropped connection or a busy server heals; try again without waiting for a keystroke.
        if (err instanceof ApiError && (err.status === 0 || err.status >= 500)) {
          timer.current = window.setTimeout(() => void flush(), RETRY_MS)
        }
      },
    )
    inFlight.current = run.finally(() => {
      inFlight.current = null
    })
    await inFlight.current
  }, [storyId, cancel])

  /** Something changed: save after a quiet moment. */
  const schedule = useCallback(() => {
    if (!latest.current.isEnabled) return
    isDirty.current = true
    setState((s) => (s === 'saving' ? s : 'pending'))
    const now = Date.now()
    firstChange.current ??= now
    cancel()
    const wait = Math.max(0, Math.min(QUIET_MS, firstChange.current + MAX_WAIT_MS - now))
    timer.current = window.setTimeout(() => void flush(), wait)
  }, [cancel, flush])

  /** An explicit save made a version of everything: nothing is pending any more. */
  const markClean = useCallback(() => {
    cancel()
    isDirty.current = false
    firstChange.current = null
    setState('clean')
  }, [cancel])

  useEffect(() => cancel, [cancel])

  const hasChanges = useCallback(() => isDirty.current, [])

  return { state, savedAt, schedule, flush, markClean, isDirty: hasChanges }
}
