import { useCallback, useRef, useState } from 'react'
import type { Editor } from '@tiptap/core'
import type { FormInstance } from 'antd'
import { useQueryClient } from '@tanstack/react-query'
import { api, ApiError } from '../../../api/client'
import { storiesApi, storyPath, type Story, type StoryContent, type StorySaveInput } from '../../../api/stories'
import { countText, type TextCount } from '../../../editor/count'
import { docToPlainText } from '../../../editor/plainText'
import { toStoryHtml } from '../../../editor/storyHtml'
import { fieldValuesOf, type FieldValues } from './StoryFields'
import type { Recovery } from './RecoveryPrompt'

/** What the editor holds, ready for the API (form fields, cleaned HTML, the version it started from). */
export function collectContent(form: FormInstance<FieldValues>, editor: Editor, baseVersion: number): StorySaveInput {
  const v = form.getFieldsValue(true) as FieldValues
  return {
    baseVersion,
    title: (v.title ?? '').trim(),
    subtitle: v.subtitle ?? '',
    summary: v.summary ?? '',
    byline: v.byline ?? '',
    source: v.source ?? '',
    section: v.section ?? '',
    tags: v.tags ?? [],
    kind: v.kind,
    isImportant: !!v.isImportant,
    coverAssetId: v.coverAssetId ?? null,
    body: toStoryHtml(editor.getHTML()),
  }
}

export function countEditor(editor: Editor): TextCount {
  return countText(docToPlainText(editor.state.doc).text)
}

/**
 * The content side of the writing page: which version the editor started from, putting content
 * into the editor (a load, a reload, a recovery), and keeping unsaved text when the server says no.
 */
export function useStoryWriting({ story, form, editor }: { story: Story; form: FormInstance<FieldValues>; editor: Editor }) {
  const qc = useQueryClient()
  const baseVersion = useRef(story.versionNumber)
  const [counts, setCounts] = useState<TextCount>(() => ({ wordCount: story.wordCount, charCount: story.charCount }))
  const [recovery, setRecovery] = useState<Recovery | null>(null)

  const collect = useCallback(() => collectContent(form, editor, baseVersion.current), [form, editor])
  const refreshCounts = useCallback(() => setCounts(countEditor(editor)), [editor])

  /** Puts content into the editor and the form without it counting as a change. */
  const show = useCallback(
    (content: Pick<StoryContent, 'body'> & FieldValues) => {
      editor.commands.setContent(content.body, { emitUpdate: false })
      form.setFieldsValue(fieldValuesOf({ attachments: [], ...content }))
      setCounts(countEditor(editor))
    },
    [editor, form],
  )

  /** A new current version from the server (a save, a restore, a reload) becomes the base. */
  const adopt = useCallback(
    (next: Story, { isShown }: { isShown: boolean }) => {
      baseVersion.current = next.versionNumber
      qc.setQueryData(['story', next.id], next)
      if (!isShown) show(next)
    },
    [qc, show],
  )

  /** Loads the current version, keeping what was on screen as a recovery offer when it differs. */
  const reload = useCallback(
    async ({ keepMine }: { keepMine: boolean }) => {
      const mine = keepMine ? collect() : null
      const latest = await api<Story>(storyPath(story.id))
      adopt(latest, { isShown: false })
      if (mine && (mine.body !== latest.body || mine.title !== latest.title)) {
        const kept = { ...latest, ...mine } as Story
        setRecovery({ source: 'conflict', savedAt: new Date().toISOString(), baseVersion: mine.baseVersion, apply: () => { show(kept); setRecovery(null) } })
      }
      return latest
    },
    [story.id, collect, adopt, show],
  )

  /** After the lock was (re)gained: if the server moved on, show its version. */
  const onLockVersion = useCallback(
    (versionNumber: number) => {
      if (versionNumber !== baseVersion.current) void reload({ keepMine: true })
    },
    [reload],
  )

  /** Looks for an autosaved draft newer than the current version and offers it. */
  const offerDraft = useCallback(async () => {
    const { draft } = await storiesApi.draft(story.id)
    if (!draft) return
    const current = qc.getQueryData<Story>(['story', story.id]) ?? story
    const differs = draft.body !== current.body || JSON.stringify(fieldValuesOf(draft)) !== JSON.stringify(fieldValuesOf(current))
    if (!differs) return
    setRecovery({
      source: 'draft', savedAt: draft.savedAt, baseVersion: draft.baseVersion,
      apply: () => {
        show(draft)
        setRecovery(null)
      },
    })
  }, [story, qc, show])

  return { baseVersion, counts, refreshCounts, collect, adopt, reload, onLockVersion, offerDraft, recovery, setRecovery, show }
}

/** The version numbers of a 409 CONFLICT on save: the one the editor had and the current one. */
export function conflictOf(error: unknown): { base: number; current: number } | null {
  if (!(error instanceof ApiError) || error.code !== 'CONFLICT') return null
  const current = Number(error.problem.currentVersion)
  const base = Number(error.problem.baseVersion)
  return Number.isFinite(current) ? { base, current } : null
}
