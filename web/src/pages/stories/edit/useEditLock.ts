import { useCallback, useEffect, useRef, useState } from 'react'
import { ApiError, buildUrl, requestHeaders } from '../../../api/client'
import { storiesApi, storyPath, type StoryLock, type TakeoverReply } from '../../../api/stories'

export type LockStatus = 'acquiring' | 'mine' | 'other' | 'unavailable'

/** The lock another person holds, from a 409 STORY_LOCKED problem. */
export function lockFromProblem(error: unknown): StoryLock | null {
  if (!(error instanceof ApiError) || error.code !== 'STORY_LOCKED') return null
  const { holderId, holderName, expiresAt } = error.problem as Record<string, unknown>
  return typeof holderId === 'string' ? { holderId, holderName: String(holderName ?? ''), expiresAt: String(expiresAt ?? '') } : null
}

/** How long to wait before renewing: half the remaining lease, between 5 s and 60 s. */
function renewDelay(expiresAt: string): number {
  const left = new Date(expiresAt).getTime() - Date.now()
  return Math.min(60_000, Math.max(5_000, left / 2))
}

const RETRY_MS = 20_000

/** Gives the lock back even while the page unloads (keepalive survives navigation). */
function releaseOnLeave(storyId: string): void {
  void fetch(buildUrl(`${storyPath(storyId)}/lock`), {
    method: 'DELETE', credentials: 'same-origin', keepalive: true, headers: requestHeaders('DELETE', false),
  }).catch(() => undefined)
}

interface Options {
  storyId: string
  /** Whether this person may edit the story at all; no lock is asked for otherwise. */
  isWanted: boolean
  /** The lock came (back) with a newer current version than the one on screen. */
  onVersion: (versionNumber: number) => void
  /** Runs before the lock is given back when the editor closes (the last autosave). */
  beforeRelease?: () => Promise<void>
}

/**
 * The edit lock, a lease: taken when the editor opens, renewed before it runs out, released when
 * the editor closes. While someone else holds it the editor is read-only and we ask again now and
 * then, so the page becomes editable once they leave.
 */
export function useEditLock({ storyId, isWanted, onVersion, beforeRelease }: Options) {
  const [status, setStatus] = useState<LockStatus>(isWanted ? 'acquiring' : 'unavailable')
  const [lock, setLock] = useState<StoryLock | null>(null)
  const [error, setError] = useState<unknown>(null)
  const isMineRef = useRef(false)
  const onVersionRef = useRef(onVersion)
  const beforeReleaseRef = useRef(beforeRelease)
  useEffect(() => {
    onVersionRef.current = onVersion
    beforeReleaseRef.current = beforeRelease
  })

  /** Records what the server said about the lock (from any call that reports it). */
  const adopt = useCallback((next: StoryLock, isMine: boolean) => {
    isMineRef.current = isMine
    setLock(next)
    setStatus(isMine ? 'mine' : 'other')
  }, [])

  const acquire = useCallback(async () => {
    try {
      const reply = await storiesApi.lock(storyId)
      const wasMine = isMineRef.current
      adopt(reply, true)
      setError(null)
      if (!wasMine) onVersionRef.current(reply.versionNumber)
    } catch (err) {
      const held = lockFromProblem(err)
      if (held) adopt(held, false)
      else {
        isMineRef.current = false
        setStatus('unavailable')
        setError(err)
      }
    }
  }, [storyId, adopt])

  useEffect(() => {
    if (!isWanted) return
    void acquire()
    const onLeave = () => isMineRef.current && releaseOnLeave(storyId)
    window.addEventListener('pagehide', onLeave)
    return () => {
      window.removeEventListener('pagehide', onLeave)
      if (!isMineRef.current) return
      isMineRef.current = false
      // An autosave after the release would take the lock again: save first, then let go.
      const last = beforeReleaseRef.current?.() ?? Promise.resolve()
      void last.catch(() => undefined).finally(() => releaseOnLeave(storyId))
    }
  }, [isWanted, storyId, acquire])

  // Renew before the lease ends; when someone else holds it, ask again later.
  useEffect(() => {
    if (!isWanted || (status !== 'mine' && status !== 'other')) return
    const delay = status === 'mine' && lock ? renewDelay(lock.expiresAt) : RETRY_MS
    const timer = window.setTimeout(() => void acquire(), delay)
    return () => window.clearTimeout(timer)
  }, [isWanted, status, lock, acquire])

  const takeOver = useCallback(async (): Promise<TakeoverReply> => {
    const reply = await storiesApi.takeOver(storyId)
    adopt(reply, true)
    onVersionRef.current(reply.versionNumber)
    return reply
  }, [storyId, adopt])

  /** Gives the lock up now (after submitting: the story leaves the writer's hands). */
  const release = useCallback(async () => {
    if (!isMineRef.current) return
    isMineRef.current = false
    setStatus('unavailable')
    await storiesApi.unlock(storyId).catch(() => undefined)
  }, [storyId])

  return { status, lock, error, adopt, takeOver, release, retry: acquire }
}
