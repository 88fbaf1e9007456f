import { AppError } from '../../kernel/errors.js'

/** This module's refusals, each a catalogue code (kernel/errors.ts) with the facts the editor shows. */

export function storyNotFound(): AppError {
  return new AppError('STORY_NOT_FOUND')
}

export interface LockFacts {
  holderId: string
  holderName: string
  expiresAt: Date
}

/** Someone else holds the edit lock: the editor names them and says until when. */
export function storyLocked(lock: LockFacts): AppError {
  return new AppError('STORY_LOCKED', `${lock.holderName} 正在编辑这篇稿件（锁定至 ${lock.expiresAt.toISOString()}）`, {
    extra: { holderId: lock.holderId, holderName: lock.holderName, expiresAt: lock.expiresAt.toISOString() },
  })
}

/** The editor started from an older version than the current one: never overwrite silently. */
export function versionConflict({ baseVersion, currentVersion }: { baseVersion: number; currentVersion: number }): AppError {
  return new AppError('CONFLICT', `稿件已更新到第 ${currentVersion} 版，您编辑的是第 ${baseVersion} 版；请先查看差异再保存`, {
    extra: { baseVersion, currentVersion },
  })
}

export function notEditable(state: string): AppError {
  return new AppError('STORY_NOT_EDITABLE', '稿件已被否决，不能再修改', { extra: { state } })
}

export function stateInvalid(state: string, detail: string): AppError {
  return new AppError('STORY_STATE_INVALID', detail, { extra: { state } })
}

/** Not this person's story to change; `permission` is what would allow it. */
export function forbidden(detail: string, permission = 'story.edit'): AppError {
  return new AppError('FORBIDDEN', detail, { extra: { permission } })
}
