import { Col, Collapse, Form, Input, Row, Select, Switch, type FormInstance } from 'antd'
import { storyKinds, type StoryContent } from '../../../api/stories'
import { t } from '../../../i18n'
import { CoverPicker } from '../../assets/CoverPicker'

/** The form's fields: everything of a story but its body. */
export type FieldValues = Pick<StoryContent, 'title' | 'subtitle' | 'summary' | 'byline' | 'source' | 'section' | 'tags' | 'kind' | 'isImportant' | 'coverAssetId'>

export function fieldValuesOf(c: StoryContent): FieldValues {
  return {
    title: c.title, subtitle: c.subtitle, summary: c.summary, byline: c.byline, source: c.source,
    section: c.section, tags: c.tags, kind: c.kind, isImportant: c.isImportant, coverAssetId: c.coverAssetId ?? null,
  }
}

interface Props {
  form: FormInstance<FieldValues>
  initial: FieldValues
  isDisabled: boolean
  onChange: () => void
}

/** Title, subtitle, summary and the story's particulars (byline, source, column, tags, kind). */
export function StoryFields({ form, initial, isDisabled, onChange }: Props) {
  return (
    <Form<FieldValues>
      form={form}
      layout="vertical"
      initialValues={initial}
      disabled={isDisabled}
      onValuesChange={onChange}
      requiredMark={false}
      name="story-fields"
    >
      <Form.Item name="title" rules={[{ required: true, whitespace: true, message: t('story.titleRequired') }]} style={{ marginBottom: 8 }}>
        <Input
          className="rm-story-title-input"
          variant="borderless"
          maxLength={200}
          placeholder={t('story.titlePlaceholder')}
          aria-label={t('story.field.title')}
          data-testid="story-title"
        />
      </Form.Item>
      <Form.Item name="subtitle" style={{ marginBottom: 8 }}>
        <Input variant="borderless" maxLength={200} placeholder={t('story.subtitlePlaceholder')} aria-label={t('story.field.subtitle')} />
      </Form.Item>
      <Collapse
        ghost
        size="small"
        items={[{ key: 'more', label: <Particulars form={form} />, forceRender: true, children: <MoreFields /> }]}
      />
    </Form>
  )
}

/** The collapsed header says what is set, so the writer need not open it to check. */
function Particulars({ form }: { form: FormInstance<FieldValues> }) {
  const values = Form.useWatch((v: Partial<FieldValues>) => v, form)
  const parts = [
    values?.kind ? t(`story.kind.${values.kind}`) : '',
    values?.byline ?? '',
    values?.source ?? '',
    values?.section ?? '',
    values?.isImportant ? t('story.important') : '',
    ...(values?.tags ?? []).map((tag) => `#${tag}`),
  ].filter(Boolean)
  return (
    <span>
      {t('story.particulars')}
      {parts.length > 0 && <span className="rm-story-particulars">{parts.join(' · ')}</span>}
    </span>
  )
}

function MoreFields() {
  return (
    <>
      <Form.Item name="coverAssetId" label={t('cover.label')}>
        <CoverPicker />
      </Form.Item>
      <Form.Item name="summary" label={t('story.field.summary')}>
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} maxLength={2000} showCount />
      </Form.Item>
      <Row gutter={16}>
        <Col xs={24} sm={12} lg={8}>
          <Form.Item name="byline" label={t('story.field.byline')}>
            <Input maxLength={200} placeholder={t('story.bylinePlaceholder')} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12} lg={8}>
          <Form.Item name="source" label={t('story.field.source')}>
            <Input maxLength={200} placeholder={t('story.sourcePlaceholder')} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12} lg={8}>
          <Form.Item name="section" label={t('story.field.section')}>
            <Input maxLength={100} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12} lg={8}>
          <Form.Item name="kind" label={t('story.field.kind')}>
            <Select options={storyKinds.map((k) => ({ value: k, label: t(`story.kind.${k}`) }))} />
          </Form.Item>
        </Col>
        <Col xs={24} lg={10}>
          <Form.Item name="tags" label={t('story.field.tags')} extra={t('story.tagsHint')}>
            <Select mode="tags" tokenSeparators={[',', '，', ' ']} maxCount={20} open={false} suffixIcon={null} />
          </Form.Item>
        </Col>
        <Col xs={24} lg={6}>
          <Form.Item name="isImportant" label={t('story.field.isImportant')} valuePropName="checked" extra={t('story.importantHint')}>
            <Switch />
          </Form.Item>
        </Col>
      </Row>
    </>
  )
}
