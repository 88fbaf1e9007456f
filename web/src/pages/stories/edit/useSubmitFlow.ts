import { useState } from 'react'
import { App } from 'antd'
import { useQueryClient } from '@tanstack/react-query'
import { useMe } from '../../../api/auth'
import { ApiError } from '../../../api/client'
import type { StoredHit } from '../../../api/checks'
import { useSubmit } from '../../../api/review'
import { storiesApi, type Story } from '../../../api/stories'
import { usePermissions } from '../../../auth/permissions'
import { useFeedback } from '../../../components/feedback'
import { t } from '../../../i18n'
import { hitId, sortHits, type PanelHit, type useChecks } from '../checks/useChecks'

interface Options {
  story: Story
  checks: ReturnType<typeof useChecks>
  /** Saves what is on screen as a version; null when it could not (the reason is already shown). */
  save: () => Promise<Story | null>
}

/**
 * 提交审核: save what is on screen, run the checks so the writer sees them, then submit. The
 * server runs the same checks and refuses while a blocking hit has no reviewer's override; its
 * list then replaces the panel's, overrides included.
 */
export function useSubmitFlow({ story, checks, save }: Options) {
  const { modal } = App.useApp()
  const feedback = useFeedback()
  const qc = useQueryClient()
  const { data: me } = useMe()
  const { can } = usePermissions()
  const submitMutation = useSubmit(story.id)
  const [isBusy, setBusy] = useState(false)

  const isAuthor = me?.user.id === story.authorId
  const canSubmit = (story.state === 'draft' || story.state === 'returned') && (isAuthor || can('story.edit'))
  const canRecall = story.state === 'in_review' && isAuthor

  const submit = async () => {
    setBusy(true)
    try {
      const saved = await save()
      if (!saved) return
      const found = await checks.run().catch(() => null)
      try {
        // The lock goes with the editor's right to write: if submitting took that away, it is released.
        const reply = await submitMutation.mutateAsync()
        feedback.success(t('story.submitted', { stage: reply.stage?.name ?? '' }))
      } catch (err) {
        if (err instanceof ApiError && err.code === 'STORY_CHECKS_BLOCKED') {
          const hits = (err.problem.hits ?? []) as StoredHit[]
          const blocked: PanelHit[] = hits.map((h) => ({ ...h, id: hitId(h.field, h) }))
          if (found) checks.load(sortHits([...found.filter((f) => !blocked.some((b) => b.id === f.id)), ...blocked]))
          modal.error({
            title: t('story.blockedTitle', { count: blocked.length }),
            content: t('story.blockedBody', { quotes: blocked.slice(0, 5).map((h) => `「${h.quote}」`).join('、') }),
          })
        } else {
          feedback.error(err)
        }
      }
    } finally {
      setBusy(false)
    }
  }

  const recall = () =>
    new Promise<void>((resolve) =>
      modal.confirm({
        title: t('story.recallTitle'),
        content: t('story.recallBody'),
        okText: t('story.recall'),
        onOk: async () => {
          try {
            const next = await storiesApi.recall(story.id)
            qc.setQueryData(['story', story.id], next)
            await qc.invalidateQueries({ queryKey: ['stories'] })
            feedback.success(t('story.recalled'))
          } catch (err) {
            feedback.error(err)
          }
          resolve()
        },
        onCancel: () => resolve(),
      }),
    )

  return { canSubmit, canRecall, submit, recall, isSubmitting: isBusy }
}
