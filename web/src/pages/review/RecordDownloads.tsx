import { Button, Space } from 'antd'
import { FilePdfOutlined, FileWordOutlined } from '@ant-design/icons'
import { useRecordDownload } from '../../api/review'
import { buildUrl } from '../../api/client'
import { storyPath } from '../../api/stories'
import { useFeedback } from '../../components/feedback'
import { saveBlob } from '../../lib/download'
import { t } from '../../i18n'

/** 审核登记表 downloads; fetched with the tenant header, saved under the server's file name. */
export function RecordDownloads({ storyId }: { storyId: string }) {
  const download = useRecordDownload(storyId)
  const feedback = useFeedback()
  const fetchAs = (format: 'docx' | 'pdf') => (event: React.MouseEvent) => {
    event.preventDefault()
    download.mutateAsync(format).then(({ blob, name }) => saveBlob(blob, name), (err: unknown) => feedback.error(err))
  }
  const busy = download.isPending ? download.variables : null
  return (
    <Space.Compact>
      <Button icon={<FileWordOutlined />} href={buildUrl(`${storyPath(storyId)}/record.docx`)} onClick={fetchAs('docx')} loading={busy === 'docx'} data-testid="record-docx">
        {t('review.recordDocx')}
      </Button>
      <Button icon={<FilePdfOutlined />} href={buildUrl(`${storyPath(storyId)}/record.pdf`)} onClick={fetchAs('pdf')} loading={busy === 'pdf'} data-testid="record-pdf">
        {t('review.recordPdf')}
      </Button>
    </Space.Compact>
  )
}
