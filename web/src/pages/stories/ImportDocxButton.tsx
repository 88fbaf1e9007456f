import { App, Button, Upload } from 'antd'
import { FileWordOutlined } from '@ant-design/icons'
import { useNavigate } from 'react-router-dom'
import { ApiError, errorMessage } from '../../api/client'
import { useImportDocx } from '../../api/stories'
import { t } from '../../i18n'

const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'

/**
 * 导入 Word: one .docx becomes a new draft. A refusal (DOCX_INVALID: encrypted, a legacy .doc,
 * broken, hostile) shows the server's own explanation; the import notes show after success.
 */
export function ImportDocxButton() {
  const importDocx = useImportDocx()
  const navigate = useNavigate()
  const { modal } = App.useApp()

  const onFile = (file: File) => {
    importDocx.mutateAsync(file).then(
      (story) => {
        navigate(`/stories/${story.id}`)
        if (story.warnings?.length) {
          modal.info({ title: t('import.notesTitle'), content: <ul style={{ paddingInlineStart: 20 }}>{story.warnings.map((w) => <li key={w}>{w}</li>)}</ul> })
        }
      },
      (err: unknown) => {
        // DOCX_INVALID carries the server's reason in Chinese (encrypted, .doc, broken …): show it as is.
        const isWrongType = err instanceof ApiError && err.status === 415
        modal.error({ title: t('import.failedTitle', { name: file.name }), content: isWrongType ? t('import.notDocx') : errorMessage(err) })
      },
    )
    return false
  }

  return (
    <Upload accept={`.docx,${DOCX_TYPE}`} showUploadList={false} beforeUpload={onFile} maxCount={1}>
      <Button icon={<FileWordOutlined />} loading={importDocx.isPending} data-testid="story-import">
        {t('stories.import')}
      </Button>
    </Upload>
  )
}
