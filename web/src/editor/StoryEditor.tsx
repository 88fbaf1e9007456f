import { useEffect, useRef, type MouseEvent, type ReactNode } from 'react'
import type { Editor } from '@tiptap/core'
import { EditorContent, useEditor } from '@tiptap/react'
import { t } from '../i18n'
import { storyExtensions } from './extensions'
import { transformPastedHtml } from './pasteWord'
import { Toolbar } from './Toolbar'
import './editor.css'

interface Options {
  /** The HTML to start from; later changes to it do not reset the editor (use `editor.commands.setContent`). */
  content: string
  isEditable: boolean
  placeholder?: string
  /** Called after each change of the document (not of the selection). */
  onChange?: (editor: Editor) => void
}

/** One story editor instance (Tiptap), configured for the story profile. */
export function useStoryEditor({ content, isEditable, placeholder, onChange }: Options): Editor {
  // The latest callback, without re-creating the editor when the parent re-renders.
  const onChangeRef = useRef(onChange)
  useEffect(() => {
    onChangeRef.current = onChange
  })
  const editor = useEditor({
    extensions: storyExtensions({ placeholder }),
    content,
    editable: isEditable,
    shouldRerenderOnTransaction: false,
    editorProps: {
      transformPastedHTML: transformPastedHtml,
      attributes: { class: 'rm-story-content', 'aria-label': t('editor.bodyLabel'), 'aria-multiline': 'true', role: 'textbox' },
    },
    onUpdate: ({ editor: e }) => onChangeRef.current?.(e),
  })
  useEffect(() => {
    // false: becoming read-only is not a change of the text (no onUpdate, so no autosave).
    if (editor.isEditable !== isEditable) editor.setEditable(isEditable, false)
  }, [editor, isEditable])
  return editor
}

interface Props {
  editor: Editor
  isEditable: boolean
  /** A click on a highlighted range (check hit, note) names its id. */
  onHighlightClick?: (id: string) => void
  /** Shown under the content: counts, save status. */
  footer?: ReactNode
  testId?: string
}

/** The toolbar (when editable), the document, and a footer line. */
export function StoryEditor({ editor, isEditable, onHighlightClick, footer, testId }: Props) {
  const onClick = (event: MouseEvent) => {
    const target = (event.target as HTMLElement).closest('[data-highlight]')
    const id = target?.getAttribute('data-highlight')
    if (id) onHighlightClick?.(id)
  }
  return (
    <div className={`rm-editor${isEditable ? '' : ' rm-editor-readonly'}`}>
      {isEditable && <Toolbar editor={editor} />}
      <div className="rm-editor-scroll" onClick={onClick} data-testid={testId}>
        <EditorContent editor={editor} />
      </div>
      {footer && <div className="rm-editor-footer">{footer}</div>}
    </div>
  )
}
