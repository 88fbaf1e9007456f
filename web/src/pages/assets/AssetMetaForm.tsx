import { useEffect } from 'react'
import { Button, Col, DatePicker, Form, Input, Row, Select } from 'antd'
import dayjs, { type Dayjs } from 'dayjs'
import { useAssetActions, type Asset, type AssetPatch } from '../../api/assets'
import { ApiError } from '../../api/client'
import { useFeedback } from '../../components/feedback'
import { t } from '../../i18n'

interface Values {
  title: string
  caption: string
  credit: string
  source: string
  copyright: string
  licence: string
  licenceExpiresAt: Dayjs | null
  tags: string[]
  people: string[]
  places: string[]
  shotAt: Dayjs | null
}

const valuesOf = (a: Asset): Values => ({
  title: a.title, caption: a.caption, credit: a.credit, source: a.source, copyright: a.copyright, licence: a.licence,
  licenceExpiresAt: a.licenceExpiresAt ? dayjs(a.licenceExpiresAt) : null,
  tags: a.tags, people: a.people, places: a.places, shotAt: a.shotAt ? dayjs(a.shotAt) : null,
})

const words = { mode: 'tags' as const, tokenSeparators: [',', '，', '、'], open: false, suffixIcon: null, maxCount: 50 }

/** Title, caption, credit, source, rights with the licence's end, tags, people, places, shooting date. */
export function AssetMetaForm({ asset, isEditable }: { asset: Asset; isEditable: boolean }) {
  const [form] = Form.useForm<Values>()
  const { update } = useAssetActions(asset.id)
  const feedback = useFeedback()
  useEffect(() => form.setFieldsValue(valuesOf(asset)), [asset.id, asset.updatedAt, form]) // eslint-disable-line react-hooks/exhaustive-deps

  const save = (v: Values) => {
    const patch: AssetPatch = {
      title: v.title.trim(), caption: v.caption, credit: v.credit, source: v.source, copyright: v.copyright, licence: v.licence,
      // The licence runs to the end of the day chosen.
      licenceExpiresAt: v.licenceExpiresAt ? v.licenceExpiresAt.endOf('day').toISOString() : null,
      tags: v.tags, people: v.people, places: v.places,
      shotAt: v.shotAt ? v.shotAt.toISOString() : null,
    }
    update.mutate(patch, {
      onSuccess: () => feedback.success(t('assets.saved')),
      onError: (err) => {
        if (err instanceof ApiError) form.setFields(Object.entries(err.fieldErrors).map(([name, errors]) => ({ name: name as keyof Values, errors })))
        feedback.error(err)
      },
    })
  }

  return (
    <Form<Values> form={form} layout="vertical" initialValues={valuesOf(asset)} disabled={!isEditable} onFinish={save} name="asset-meta" data-testid="asset-meta">
      <Form.Item name="title" label={t('assets.field.title')}><Input maxLength={200} /></Form.Item>
      <Form.Item name="caption" label={t('assets.field.caption')}><Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={2000} showCount /></Form.Item>
      <Row gutter={12}>
        <Col xs={24} sm={12}><Form.Item name="credit" label={t('assets.field.credit')}><Input maxLength={200} /></Form.Item></Col>
        <Col xs={24} sm={12}><Form.Item name="source" label={t('assets.field.source')}><Input maxLength={200} /></Form.Item></Col>
        <Col xs={24} sm={12}><Form.Item name="copyright" label={t('assets.field.copyright')}><Input maxLength={200} /></Form.Item></Col>
        <Col xs={24} sm={12}><Form.Item name="licenceExpiresAt" label={t('assets.field.licenceExpiresAt')}><DatePicker style={{ width: '100%' }} /></Form.Item></Col>
      </Row>
      <Form.Item name="licence" label={t('assets.field.licence')}><Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} maxLength={500} /></Form.Item>
      <Row gutter={12}>
        <Col xs={24} sm={12}><Form.Item name="tags" label={t('assets.field.tags')} extra={t('assets.field.wordsHint')}><Select {...words} /></Form.Item></Col>
        <Col xs={24} sm={12}><Form.Item name="shotAt" label={t('assets.field.shotAt')}><DatePicker showTime style={{ width: '100%' }} /></Form.Item></Col>
        <Col xs={24} sm={12}><Form.Item name="people" label={t('assets.field.people')}><Select {...words} /></Form.Item></Col>
        <Col xs={24} sm={12}><Form.Item name="places" label={t('assets.field.places')}><Select {...words} /></Form.Item></Col>
      </Row>
      {isEditable && (
        <Button type="primary" htmlType="submit" loading={update.isPending} data-testid="asset-meta-save">{t('common.save')}</Button>
      )}
    </Form>
  )
}
