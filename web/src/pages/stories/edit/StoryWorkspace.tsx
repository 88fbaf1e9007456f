import { useEffect, useState } from 'react'
import { App, Card, Form } from 'antd'
import { useMe } from '../../../api/auth'
import { ApiError } from '../../../api/client'
import { storiesApi, type Story } from '../../../api/stories'
import { usePermissions } from '../../../auth/permissions'
import { useFeedback } from '../../../components/feedback'
import { StoryEditor, useStoryEditor } from '../../../editor/StoryEditor'
import { t } from '../../../i18n'
import { ChecksPanel } from '../checks/ChecksPanel'
import { useChecks } from '../checks/useChecks'
import { VersionHistory } from '../history/VersionHistory'
import { EditorStatus } from './EditorStatus'
import { LockBanner } from './LockBanner'
import { RecoveryPrompt } from './RecoveryPrompt'
import { StoryFields, fieldValuesOf, type FieldValues } from './StoryFields'
import { StoryInfo } from './StoryInfo'
import { useAutosave } from './useAutosave'
import { lockFromProblem, useEditLock } from './useEditLock'
import { useSubmitFlow } from './useSubmitFlow'
import { WorkspaceHeader, removedSummary } from './WorkspaceHeader'
import { conflictOf, useStoryWriting } from './useStoryWriting'
import '../stories.css'

/** The writing page for one story: fields, rich text, autosave, the edit lock, checks, history. */
export function StoryWorkspace({ story: loaded, current }: { story: Story; current: Story }) {
  const { modal, notification } = App.useApp()
  const feedback = useFeedback()
  const { can } = usePermissions()
  const [form] = Form.useForm<FieldValues>()
  const [historyPair, setHistoryPair] = useState<[number, number] | null | false>(false)
  const [isSaving, setSaving] = useState(false)

  const editor = useStoryEditor({
    content: loaded.body,
    isEditable: false,
    placeholder: t('editor.placeholder'),
    onChange: () => {
      writing.refreshCounts()
      autosave.schedule()
    },
  })
  const writing = useStoryWriting({ story: loaded, form, editor })
  const { data: me } = useMe()
  // Authors start writing at once; an editor opening someone else's story asks first, so that
  // reading it does not lock its author out.
  const [wantsEdit, setWantsEdit] = useState(() => me?.user.id === current.authorId)
  const lock = useEditLock({
    storyId: loaded.id,
    isWanted: current.canEdit && wantsEdit,
    onVersion: writing.onLockVersion,
    beforeRelease: () => autosave.flush(),
  })
  const canWrite = current.canEdit && lock.status === 'mine'
  const autosave = useAutosave({
    storyId: loaded.id,
    isEnabled: canWrite,
    collect: writing.collect,
    onSaved: (reply) => lock.adopt(reply.lock, true),
    onError: (err) => onWriteError(err),
  })
  const checks = useChecks({
    editor,
    getTitle: () => String(form.getFieldValue('title') ?? ''),
    setTitle: (title) => {
      form.setFieldValue('title', title)
      autosave.schedule()
    },
  })

  useEffect(() => {
    if (editor.isEditable !== canWrite) editor.setEditable(canWrite, false)
  }, [editor, canWrite])

  // Once the lock is ours, look for text autosaved after the last version (a crash, a closed tab).
  const { offerDraft } = writing
  const hasLock = lock.status === 'mine'
  useEffect(() => {
    if (hasLock) void offerDraft().catch(() => undefined)
  }, [hasLock, offerDraft])

  // Leaving with text the server has not got yet: let the browser ask.
  const hasUnsaved = autosave.isDirty
  useEffect(() => {
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      if (hasUnsaved()) e.preventDefault()
    }
    window.addEventListener('beforeunload', onBeforeUnload)
    return () => window.removeEventListener('beforeunload', onBeforeUnload)
  }, [hasUnsaved])

  /** Lock lost or version moved on: say what happened, keep the text, never overwrite silently. */
  function onWriteError(err: unknown) {
    const held = lockFromProblem(err)
    if (held) {
      void writing.reload({ keepMine: true })
      lock.adopt(held, false)
      autosave.markClean()
      modal.warning({ title: t('lock.lostTitle'), content: t('lock.lostBody', { name: held.holderName }) })
      return
    }
    const conflict = conflictOf(err)
    if (conflict) {
      autosave.markClean()
      modal.confirm({
        title: t('conflict.title'),
        content: t('conflict.body', { base: conflict.base, current: conflict.current }),
        okText: t('conflict.reload'),
        cancelText: t('conflict.compare'),
        onOk: () => writing.reload({ keepMine: true }),
        onCancel: () => setHistoryPair([conflict.base, conflict.current]),
      })
      return
    }
    if (!(err instanceof ApiError && err.status === 0)) feedback.error(err)
  }

  /** An explicit save: a new version of everything on screen. */
  const save = async (): Promise<Story | null> => {
    try {
      await form.validateFields()
    } catch {
      return null
    }
    setSaving(true)
    try {
      const saved = await storiesApi.save(loaded.id, writing.collect())
      writing.adopt(saved, { isShown: true })
      autosave.markClean()
      const what = removedSummary(saved.sanitizerRemoved)
      if (what) notification.warning({ title: t('save.removedTitle'), description: t('save.removedBody', { what }), duration: 10 })
      return saved
    } catch (err) {
      onWriteError(err)
      return null
    } finally {
      setSaving(false)
    }
  }

  const submitFlow = useSubmitFlow({ story: current, checks, save })

  const restore = async (number: number) => {
    try {
      const restored = await storiesApi.restore(loaded.id, number, writing.baseVersion.current)
      writing.adopt(restored, { isShown: false })
      autosave.markClean()
      feedback.success(t('history.restored', { number, version: restored.versionNumber }))
      setHistoryPair(false)
    } catch (err) {
      onWriteError(err)
    }
  }

  const takeOver = async () => {
    try {
      const reply = await lock.takeOver()
      setWantsEdit(true)
      if (reply.savedVersion) feedback.info(t('lock.takenOver', { name: reply.previousHolder?.name ?? '', version: reply.savedVersion }))
    } catch (err) {
      feedback.error(err)
    }
  }

  const othersLock = current.lock && current.lock.holderId !== me?.user.id ? current.lock : null
  return (
    <>
      <WorkspaceHeader
        story={current}
        canWrite={canWrite}
        isSaving={isSaving}
        submitFlow={submitFlow}
        onSave={() => void save().then((saved) => saved && feedback.success(t('save.done', { version: saved.versionNumber })))}
        onHistory={() => setHistoryPair(null)}
      />
      <LockBanner
        status={wantsEdit ? lock.status : othersLock ? 'other' : 'idle'}
        lock={wantsEdit ? lock.lock : othersLock}
        onStartEdit={() => setWantsEdit(true)}
        lockError={lock.error}
        state={current.state}
        canEdit={current.canEdit}
        canTakeOver={can('story.edit')}
        onTakeOver={takeOver}
        onRetry={() => void lock.retry()}
      />
      {writing.recovery && canWrite && (
        <RecoveryPrompt
          recovery={writing.recovery}
          currentVersion={writing.baseVersion.current}
          onApply={() => {
            writing.recovery?.apply()
            autosave.schedule()
          }}
          onDiscard={() => writing.setRecovery(null)}
        />
      )}
      <div className="rm-workspace">
        <div style={{ display: 'grid', gap: 16, minWidth: 0 }}>
          <Card size="small">
            <StoryFields form={form} initial={fieldValuesOf(loaded)} isDisabled={!canWrite} onChange={autosave.schedule} />
          </Card>
          <StoryEditor
            editor={editor}
            isEditable={canWrite}
            onHighlightClick={(id) => checks.setActiveId(id)}
            testId="story-editor"
            footer={<EditorStatus counts={writing.counts} state={autosave.state} savedAt={autosave.savedAt} isEditable={canWrite} />}
          />
        </div>
        <div className="rm-workspace-side">
          <ChecksPanel
            hits={checks.hits}
            isRunning={checks.isRunning}
            error={checks.error}
            activeId={checks.activeId}
            onRun={() => void checks.run().catch(() => undefined)}
            onLocate={checks.locate}
            onApply={canWrite ? (hit) => (checks.apply(hit) ? autosave.schedule() : feedback.info(t('checks.stale'))) : undefined}
          />
          <StoryInfo story={current} />
        </div>
      </div>
      <VersionHistory
        storyId={loaded.id}
        versions={current.versions}
        currentVersion={current.versionNumber}
        open={historyPair !== false}
        initialPair={historyPair || null}
        onClose={() => setHistoryPair(false)}
        onRestore={canWrite ? restore : undefined}
      />
    </>
  )
}
