import { useState } from 'react'
import { Button, Divider, Dropdown, Select, Tooltip } from 'antd'
import type { MenuProps } from 'antd'
import {
  AlignCenterOutlined, AlignLeftOutlined, AlignRightOutlined, BoldOutlined, ItalicOutlined, LinkOutlined, MinusOutlined,
  OrderedListOutlined, PictureOutlined, RedoOutlined, StrikethroughOutlined, TableOutlined, UnderlineOutlined, UndoOutlined,
  UnorderedListOutlined,
} from '@ant-design/icons'
import type { Editor } from '@tiptap/core'
import { useEditorState } from '@tiptap/react'
import type { ReactNode } from 'react'
import { t, type MessageKey } from '../i18n'
import { InsertDialog, type InsertKind } from './InsertDialog'
import type { Align } from './textAlign'

type Level = 2 | 3 | 4

function blockValue(editor: Editor): string {
  for (const level of [2, 3, 4] as Level[]) if (editor.isActive('heading', { level })) return `h${level}`
  return 'p'
}

/** The formatting bar: only what the story profile can store. */
export function Toolbar({ editor }: { editor: Editor }) {
  const [dialog, setDialog] = useState<InsertKind | null>(null)
  const state = useEditorState({
    editor,
    selector: ({ editor: e }) => ({
      block: blockValue(e),
      bold: e.isActive('bold'),
      italic: e.isActive('italic'),
      underline: e.isActive('underline'),
      strike: e.isActive('strike'),
      bulletList: e.isActive('bulletList'),
      orderedList: e.isActive('orderedList'),
      blockquote: e.isActive('blockquote'),
      link: e.isActive('link'),
      inTable: e.isActive('table'),
      align: (e.getAttributes('paragraph').align ?? e.getAttributes('heading').align ?? null) as Align | null,
      canUndo: e.can().undo(),
      canRedo: e.can().redo(),
    }),
  })
  const chain = () => editor.chain().focus()

  const toggle = (label: MessageKey, icon: ReactNode, isActive: boolean, run: () => void, { testId, isDisabled = false }: { testId?: string; isDisabled?: boolean } = {}) => (
    <Tooltip title={t(label)} key={label}>
      <Button
        type={isActive ? 'primary' : 'text'}
        ghost={isActive}
        size="small"
        icon={icon}
        aria-label={t(label)}
        aria-pressed={isActive}
        disabled={isDisabled}
        onClick={run}
        data-testid={testId}
      />
    </Tooltip>
  )

  const tableItems: MenuProps['items'] = [
    { key: 'insert', label: t('editor.tableInsert'), disabled: state.inTable },
    { key: 'rowAfter', label: t('editor.tableRowAfter'), disabled: !state.inTable },
    { key: 'colAfter', label: t('editor.tableColAfter'), disabled: !state.inTable },
    { key: 'deleteRow', label: t('editor.tableDeleteRow'), disabled: !state.inTable },
    { key: 'deleteCol', label: t('editor.tableDeleteCol'), disabled: !state.inTable },
    { key: 'headerRow', label: t('editor.tableHeaderRow'), disabled: !state.inTable },
    { type: 'divider' },
    { key: 'deleteTable', label: t('editor.tableDelete'), danger: true, disabled: !state.inTable },
  ]
  const onTable: MenuProps['onClick'] = ({ key }) => {
    const c = chain()
    const actions: Record<string, () => boolean> = {
      insert: () => c.insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run(),
      rowAfter: () => c.addRowAfter().run(),
      colAfter: () => c.addColumnAfter().run(),
      deleteRow: () => c.deleteRow().run(),
      deleteCol: () => c.deleteColumn().run(),
      headerRow: () => c.toggleHeaderRow().run(),
      deleteTable: () => c.deleteTable().run(),
    }
    actions[key]?.()
  }

  const setBlock = (value: string) => {
    if (value === 'p') chain().setParagraph().run()
    else chain().setHeading({ level: Number(value.slice(1)) as Level }).run()
  }
  const align = (value: Align) => chain().setAlign(state.align === value ? null : value).run()

  return (
    <div className="rm-editor-toolbar" role="toolbar" aria-label={t('editor.toolbar')}>
      <Select
        size="small"
        value={state.block}
        onChange={setBlock}
        style={{ width: 104 }}
        aria-label={t('editor.blockType')}
        data-testid="editor-block-type"
        options={[
          { value: 'p', label: t('editor.paragraph') },
          { value: 'h2', label: t('editor.h2') },
          { value: 'h3', label: t('editor.h3') },
          { value: 'h4', label: t('editor.h4') },
        ]}
      />
      <Divider orientation="vertical" />
      {toggle('editor.bold', <BoldOutlined />, state.bold, () => chain().toggleBold().run())}
      {toggle('editor.italic', <ItalicOutlined />, state.italic, () => chain().toggleItalic().run())}
      {toggle('editor.underline', <UnderlineOutlined />, state.underline, () => chain().toggleUnderline().run())}
      {toggle('editor.strike', <StrikethroughOutlined />, state.strike, () => chain().toggleStrike().run())}
      <Divider orientation="vertical" />
      {toggle('editor.bulletList', <UnorderedListOutlined />, state.bulletList, () => chain().toggleBulletList().run(), { testId: 'editor-bullet-list' })}
      {toggle('editor.orderedList', <OrderedListOutlined />, state.orderedList, () => chain().toggleOrderedList().run())}
      {toggle('editor.blockquote', <span className="rm-editor-quote-icon">“”</span>, state.blockquote, () => chain().toggleBlockquote().run())}
      {toggle('editor.hr', <MinusOutlined />, false, () => chain().setHorizontalRule().run())}
      <Divider orientation="vertical" />
      {toggle('editor.alignLeft', <AlignLeftOutlined />, state.align === 'left', () => align('left'))}
      {toggle('editor.alignCenter', <AlignCenterOutlined />, state.align === 'center', () => align('center'))}
      {toggle('editor.alignRight', <AlignRightOutlined />, state.align === 'right', () => align('right'))}
      <Divider orientation="vertical" />
      {toggle('editor.link', <LinkOutlined />, state.link, () => setDialog('link'))}
      {toggle('editor.image', <PictureOutlined />, false, () => setDialog('image'))}
      <Dropdown menu={{ items: tableItems, onClick: onTable }} trigger={['click']}>
        <Button type={state.inTable ? 'primary' : 'text'} ghost={state.inTable} size="small" icon={<TableOutlined />} aria-label={t('editor.table')} />
      </Dropdown>
      <Divider orientation="vertical" />
      {toggle('editor.undo', <UndoOutlined />, false, () => chain().undo().run(), { isDisabled: !state.canUndo })}
      {toggle('editor.redo', <RedoOutlined />, false, () => chain().redo().run(), { isDisabled: !state.canRedo })}
      <InsertDialog editor={editor} kind={dialog} onClose={() => setDialog(null)} />
    </div>
  )
}
