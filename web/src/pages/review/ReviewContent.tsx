import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { Button, Space, Typography } from 'antd'
import { CommentOutlined, EditOutlined } from '@ant-design/icons'
import type { Editor } from '@tiptap/core'
import type { Highlight } from '../../editor/highlights'
import { docRangeToText, docToPlainText, textRangeToDoc, type PlainText } from '../../editor/plainText'
import { StoryEditor } from '../../editor/StoryEditor'
import { highlightHits, type PanelHit } from '../stories/checks/useChecks'
import { t } from '../../i18n'

/** A range of the story's plain text (the server's body text), as anchors and marks use it. */
export interface TextRange {
  start: number
  end: number
  quote: string
}

/** A range to mark besides the check hits: a note being written, a decision's note, a proofreading mark. */
export interface Marked extends TextRange {
  id: string
  kind: 'note' | 'mark'
  /** The note or correction, shown on hover. */
  title?: string
}

interface Props {
  editor: Editor
  hits: PanelHit[]
  activeId: string | null
  marked: Marked[]
  onActivate: (id: string) => void
  /** Offered for a selection when the viewer may write a note (a reviewer deciding). */
  onNote?: (range: TextRange) => void
  /** Offered for a selection when the viewer may record a proofreading mark. */
  onMark?: (range: TextRange) => void
}

/**
 * The story as the reviewer reads it (read-only), with check hits, notes and marks highlighted.
 * Selecting text offers a note or a mark; the selection becomes offsets into the same plain text
 * the server keeps (see editor/plainText.ts), which it verifies against the quote.
 */
export function ReviewContent({ editor, hits, activeId, marked, onActivate, onNote, onMark }: Props) {
  const [selection, setSelection] = useState<TextRange | null>(null)
  const container = useRef<HTMLDivElement>(null)
  const plain = useMemo<PlainText>(() => docToPlainText(editor.state.doc), [editor])

  useEffect(() => {
    const extra: Highlight[] = []
    for (const m of marked) {
      const range = textRangeToDoc(plain, m.start, m.end)
      // A range from an earlier version whose words moved is not marked (the timeline still lists it).
      if (range && plain.text.slice(m.start, m.end) === m.quote) {
        extra.push({ id: m.id, ...range, title: m.title, className: `rm-hl rm-hl-${m.kind}${m.id === activeId ? ' rm-hl-active' : ''}` })
      }
    }
    highlightHits(editor, hits, activeId, extra)
  }, [editor, plain, hits, marked, activeId])

  /** The DOM selection inside the content, as a plain-text range. */
  const readSelection = useCallback(() => {
    const sel = window.getSelection()
    if (!sel || sel.isCollapsed || !sel.anchorNode || !sel.focusNode || !container.current?.contains(sel.anchorNode)) {
      setSelection(null)
      return
    }
    try {
      const a = editor.view.posAtDOM(sel.anchorNode, sel.anchorOffset)
      const b = editor.view.posAtDOM(sel.focusNode, sel.focusOffset)
      const range = docRangeToText(plain, Math.min(a, b), Math.max(a, b))
      setSelection(range ? { ...range, quote: plain.text.slice(range.start, range.end) } : null)
    } catch {
      setSelection(null) // the selection reached outside the document
    }
  }, [editor, plain])

  const canAct = !!(onNote || onMark)
  return (
    <div ref={container} onMouseUp={canAct ? readSelection : undefined} onKeyUp={canAct ? readSelection : undefined}>
      {canAct && (
        <div className="rm-selection-bar" aria-live="polite">
          {selection ? (
            <Space wrap>
              <Typography.Text ellipsis style={{ maxWidth: 320 }}>{t('review.selected', { quote: selection.quote })}</Typography.Text>
              {onNote && (
                <Button size="small" icon={<CommentOutlined />} onClick={() => { onNote(selection); setSelection(null) }} data-testid="add-note">
                  {t('review.addNote')}
                </Button>
              )}
              {onMark && (
                <Button size="small" icon={<EditOutlined />} onClick={() => { onMark(selection); setSelection(null) }} data-testid="add-mark">
                  {t('review.addMark')}
                </Button>
              )}
            </Space>
          ) : (
            <Typography.Text type="secondary">{t('review.selectHint')}</Typography.Text>
          )}
        </div>
      )}
      <StoryEditor editor={editor} isEditable={false} onHighlightClick={onActivate} testId="review-content" />
    </div>
  )
}
