import { useEffect, useMemo, useState } from 'react'
import { Alert, Button, Card, Empty, Form, Input, Modal, Select, Space, Switch, Table, Tabs, Tag, Typography } from 'antd'
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons'
import {
  checksApi, emptyChanges, severities, useRules, useRuleSet, useRuleSetDiff, useSaveRuleSet,
  type CheckHit, type CustomTermRule, type RuleSetChanges, type RuleView, type Severity,
} from '../../api/checks'
import { ApiError } from '../../api/client'
import { useFeedback } from '../../components/feedback'
import { PageHeader } from '../../components/PageHeader'
import { FullPageSpin, QueryError } from '../../components/QueryState'
import { usePermissions } from '../../auth/permissions'
import { formatDateTime } from '../../lib/time'
import { t, tOr } from '../../i18n'

const categories = ['banned', 'cautious', 'legal', 'title', 'territory', 'international', 'ethnic', 'typo', 'privacy', 'advertising', 'clickbait', 'link', 'vulgar']
const severityColor: Record<Severity, string> = { block: 'red', review: 'orange', hint: 'blue' }
const severityLabel = (s: Severity) => t(`checks.severity.${s}`)

/**
 * 审校规则: the tenant's rule set as a draft of changes over the built-in rules. Edits stay local
 * until saved as a new version (with a note); a box on the side checks text with the version in force.
 */
export function CheckRulesPage() {
  const ruleSet = useRuleSet()
  const rules = useRules()
  const save = useSaveRuleSet()
  const feedback = useFeedback()
  const { can } = usePermissions()
  const canManage = can('story.rules.manage')
  const [draft, setDraft] = useState<RuleSetChanges | null>(null)
  const [isSaving, setSaving] = useState(false)
  const [note, setNote] = useState('')

  // The editor starts from the changes in force, the inherited ones included.
  useEffect(() => {
    if (ruleSet.data) setDraft(structuredClone(ruleSet.data.active?.changes ?? emptyChanges))
  }, [ruleSet.data])

  const isDirty = useMemo(() => draft !== null && JSON.stringify(draft) !== JSON.stringify(ruleSet.data?.active?.changes ?? emptyChanges), [draft, ruleSet.data])

  if (ruleSet.error) return <QueryError error={ruleSet.error} onRetry={() => void ruleSet.refetch()} />
  if (rules.error) return <QueryError error={rules.error} onRetry={() => void rules.refetch()} />
  if (!ruleSet.data || !rules.data || !draft) return <FullPageSpin />
  const state = ruleSet.data
  const ownVersion = state.owner && !state.owner.isInherited ? state.active?.version ?? 0 : 0

  const onSave = () => {
    setSaving(true)
    save.mutateAsync({ changes: draft, note: note.trim(), expectedVersion: ownVersion })
      .then((saved) => { feedback.success(t('checkRules.saved', { version: saved.version })); setNote('') },
        (err: unknown) => feedback.error(err instanceof ApiError && err.code === 'CONFLICT' ? new Error(t('checkRules.conflict')) : err))
      .finally(() => setSaving(false))
  }

  const builtIn = rules.data.rules.filter((r) => !r.isCustom)
  return (
    <>
      <PageHeader title={t('nav.checkRules')} description={t('checkRules.description')} extra={
        <Space wrap>
          <Tag color="geekblue" data-testid="rule-set-version">{t('checkRules.current')}：{state.ruleSetVersion}</Tag>
          {canManage && (
            <>
              <Input style={{ width: 220 }} maxLength={200} value={note} onChange={(e) => setNote(e.target.value)} placeholder={t('checkRules.notePlaceholder')} aria-label={t('checkRules.note')} />
              <Button type="primary" disabled={!isDirty} loading={isSaving} onClick={onSave} data-testid="rule-set-save">{t('checkRules.save')}</Button>
            </>
          )}
        </Space>
      } />
      {state.owner?.isInherited && <Alert type="info" showIcon style={{ marginBottom: 12 }} title={t('checkRules.inherited', { name: state.owner.name, version: state.active?.version ?? 0 })} />}
      {!state.owner && <Alert type="info" showIcon style={{ marginBottom: 12 }} title={t('checkRules.builtInOnly', { version: state.builtInVersion })} />}
      {isDirty && <Alert type="warning" showIcon style={{ marginBottom: 12 }} title={t('checkRules.unsaved')} />}
      <div className="rm-rules-layout" style={{ display: 'flex', flexWrap: 'wrap', gap: 16, alignItems: 'flex-start' }}>
        <Card style={{ flex: '3 1 560px', minWidth: 0 }}>
          <Tabs items={[
            { key: 'builtin', label: t('checkRules.tabBuiltIn'), children: <BuiltInRules rules={builtIn} draft={draft} setDraft={setDraft} canManage={canManage} /> },
            { key: 'terms', label: `${t('checkRules.tabTerms')} (${draft.terms.length})`, children: <OwnTerms draft={draft} setDraft={setDraft} canManage={canManage} maxLength={state.limits.maxTermLength ?? 40} /> },
            { key: 'allow', label: `${t('checkRules.tabAllow')} (${draft.allow.length})`, children: <AllowList draft={draft} setDraft={setDraft} canManage={canManage} /> },
            { key: 'exceptions', label: `${t('checkRules.tabExceptions')} (${draft.exceptions.length})`, children: <Exceptions draft={draft} setDraft={setDraft} canManage={canManage} rules={rules.data.rules} /> },
            { key: 'history', label: t('checkRules.tabHistory'), children: <History versions={state.versions} /> },
          ]} />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('checkRules.limit', { terms: state.limits.maxTermsTotal ?? 0, allow: state.limits.maxAllow ?? 0, exceptions: state.limits.maxExceptions ?? 0 })}
          </Typography.Text>
        </Card>
        <TestBox />
      </div>
    </>
  )
}

interface DraftProps {
  draft: RuleSetChanges
  setDraft: (next: RuleSetChanges) => void
  canManage: boolean
}

function BuiltInRules({ rules, draft, setDraft, canManage }: DraftProps & { rules: RuleView[] }) {
  const [category, setCategory] = useState<string | undefined>()
  const [q, setQ] = useState('')
  const shown = rules.filter((r) => (!category || r.category === category)
    && (!q || r.id.includes(q) || r.message.includes(q) || r.terms.some((term) => term.includes(q))))
  const disabled = new Set(draft.disabled)
  const overrides = new Map(draft.severities.map((s) => [s.ruleId, s.severity]))
  const toggle = (id: string, isOn: boolean) => setDraft({ ...draft, disabled: isOn ? draft.disabled.filter((d) => d !== id) : [...draft.disabled, id] })
  const setSeverity = (rule: RuleView, value: Severity | 'default') => {
    const rest = draft.severities.filter((s) => s.ruleId !== rule.id)
    setDraft({ ...draft, severities: value === 'default' || value === rule.defaultSeverity ? rest : [...rest, { ruleId: rule.id, severity: value }] })
  }
  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select allowClear style={{ width: 180 }} placeholder={t('checkRules.category')} value={category} onChange={setCategory}
          options={categories.map((c) => ({ value: c, label: tOr(`checkCategory.${c}`, c) }))} />
        <Input.Search allowClear style={{ width: 260 }} placeholder={t('checkRules.search')} onSearch={setQ} onChange={(e) => !e.target.value && setQ('')} />
      </Space>
      <Table<RuleView> rowKey="id" size="small" dataSource={shown} pagination={{ pageSize: 20, showSizeChanger: false }} scroll={{ x: 760 }} columns={[
        { title: t('checkRules.enabled'), width: 70, render: (_, r) => <Switch size="small" disabled={!canManage} checked={!disabled.has(r.id)} onChange={(on) => toggle(r.id, on)} aria-label={r.id} /> },
        { title: t('checkRules.rule'), render: (_, r) => (
          <>
            <div>{r.message}</div>
            <Typography.Text type="secondary" code style={{ fontSize: 11 }}>{r.id}</Typography.Text>
            {r.terms.length > 0 && <Typography.Text type="secondary" style={{ fontSize: 12 }}> {r.terms.slice(0, 6).join('、')}{r.terms.length > 6 ? '…' : ''}</Typography.Text>}
          </>
        ) },
        { title: t('checkRules.category'), width: 130, render: (_, r) => <><Tag bordered={false}>{r.categoryLabel}</Tag><Tag bordered={false}>{t(`checkRules.kind.${r.kind}`)}</Tag></> },
        { title: t('checkRules.severity'), width: 150, render: (_, r) => (
          <Select size="small" style={{ width: 130 }} disabled={!canManage || disabled.has(r.id)} value={overrides.get(r.id) ?? 'default'}
            onChange={(v: Severity | 'default') => setSeverity(r, v)}
            options={[{ value: 'default', label: `${severityLabel(r.defaultSeverity ?? r.severity)}${t('checkRules.severityDefault')}` },
              ...severities.filter((s) => s !== r.defaultSeverity).map((s) => ({ value: s, label: severityLabel(s) }))]} />
        ) },
      ]} />
    </>
  )
}

function OwnTerms({ draft, setDraft, canManage, maxLength }: DraftProps & { maxLength: number }) {
  const [isAdding, setAdding] = useState(false)
  const [form] = Form.useForm<{ category: string; severity: Severity; terms: string; message: string; suggestion?: string }>()
  const remove = (index: number) => setDraft({ ...draft, terms: draft.terms.filter((_, i) => i !== index) })
  const add = (v: { category: string; severity: Severity; terms: string; message: string; suggestion?: string }) => {
    const rule: CustomTermRule = {
      category: v.category, severity: v.severity, message: v.message.trim(), suggestion: v.suggestion?.trim() || null,
      terms: [...new Set(v.terms.split('\n').map((s) => s.trim()).filter(Boolean))],
    }
    setDraft({ ...draft, terms: [...draft.terms, rule] })
    setAdding(false)
    form.resetFields()
  }
  return (
    <>
      {canManage && <Button icon={<PlusOutlined />} onClick={() => setAdding(true)} style={{ marginBottom: 12 }} data-testid="rule-term-add">{t('checkRules.addTerm')}</Button>}
      <Table<CustomTermRule> rowKey={(r) => r.id ?? r.terms.join('|')} size="small" dataSource={draft.terms} pagination={false} scroll={{ x: 640 }}
        locale={{ emptyText: <Empty description={t('checkRules.noTerms')} /> }} columns={[
          { title: t('checkRules.terms'), render: (_, r) => r.terms.map((term) => <Tag key={term}>{term}</Tag>) },
          { title: t('checkRules.category'), width: 120, render: (_, r) => tOr(`checkCategory.${r.category}`, r.category) },
          { title: t('checkRules.severity'), width: 90, render: (_, r) => <Tag color={severityColor[r.severity]}>{severityLabel(r.severity)}</Tag> },
          { title: t('checkRules.message'), render: (_, r) => <>{r.message}{r.suggestion && <div><Typography.Text type="secondary">→ {r.suggestion}</Typography.Text></div>}</> },
          ...(canManage ? [{ title: '', width: 48, render: (_: unknown, __: CustomTermRule, i: number) => <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} onClick={() => remove(i)} /> }] : []),
        ]} />
      <Modal open={isAdding} title={t('checkRules.addTerm')} onCancel={() => setAdding(false)} onOk={() => form.submit()} destroyOnHidden>
        <Form form={form} layout="vertical" onFinish={add} initialValues={{ category: 'cautious', severity: 'review' }}>
          <Form.Item name="terms" label={t('checkRules.terms')} extra={t('checkRules.termsHelp', { max: maxLength })} rules={[
            { required: true, message: t('checkRules.termsHelp', { max: maxLength }) },
            { validator: (_, v: string | undefined) => (v ?? '').split('\n').some((s) => s.trim().length > maxLength) ? Promise.reject(new Error(t('checkRules.termsHelp', { max: maxLength }))) : Promise.resolve() },
          ]}>
            <Input.TextArea rows={4} data-testid="rule-term-terms" />
          </Form.Item>
          <Space wrap>
            <Form.Item name="category" label={t('checkRules.category')}><Select style={{ width: 180 }} options={categories.map((c) => ({ value: c, label: tOr(`checkCategory.${c}`, c) }))} /></Form.Item>
            <Form.Item name="severity" label={t('checkRules.severity')}><Select style={{ width: 120 }} options={severities.map((s) => ({ value: s, label: severityLabel(s) }))} /></Form.Item>
          </Space>
          <Form.Item name="message" label={t('checkRules.message')} rules={[{ required: true, whitespace: true, message: t('checkRules.message') }]}>
            <Input maxLength={200} data-testid="rule-term-message" />
          </Form.Item>
          <Form.Item name="suggestion" label={t('checkRules.suggestion')}><Input maxLength={100} /></Form.Item>
        </Form>
      </Modal>
    </>
  )
}

function AllowList({ draft, setDraft, canManage }: DraftProps) {
  return (
    <>
      <Typography.Paragraph type="secondary">{t('checkRules.allowHelp')}</Typography.Paragraph>
      <Select mode="tags" style={{ width: '100%' }} disabled={!canManage} value={draft.allow} tokenSeparators={['\n']} open={false} suffixIcon={null}
        onChange={(values: string[]) => setDraft({ ...draft, allow: [...new Set(values.map((v) => v.trim()).filter((v) => v && v.length <= 40))] })}
        data-testid="rule-allow" aria-label={t('checkRules.tabAllow')} />
    </>
  )
}

function Exceptions({ draft, setDraft, canManage, rules }: DraftProps & { rules: RuleView[] }) {
  const [ruleId, setRuleId] = useState<string | undefined>()
  const [phrase, setPhrase] = useState('')
  const add = () => {
    if (!ruleId || !phrase.trim()) return
    setDraft({ ...draft, exceptions: [...draft.exceptions, { ruleId, phrase: phrase.trim() }] })
    setPhrase('')
  }
  const label = (id: string) => rules.find((r) => r.id === id)?.message ?? id
  return (
    <>
      <Typography.Paragraph type="secondary">{t('checkRules.exceptionsHelp')}</Typography.Paragraph>
      {canManage && (
        <Space.Compact style={{ width: '100%', marginBottom: 12 }}>
          <Select showSearch style={{ width: '55%' }} placeholder={t('checkRules.rule')} value={ruleId} onChange={setRuleId} optionFilterProp="label"
            options={rules.filter((r) => !r.isDisabled).map((r) => ({ value: r.id, label: `${r.id} ${r.message}` }))} />
          <Input style={{ width: '30%' }} maxLength={40} placeholder={t('checkRules.phrase')} value={phrase} onChange={(e) => setPhrase(e.target.value)} onPressEnter={add} />
          <Button icon={<PlusOutlined />} onClick={add} disabled={!ruleId || !phrase.trim()}>{t('checkRules.addException')}</Button>
        </Space.Compact>
      )}
      <Table rowKey={(e) => `${e.ruleId}:${e.phrase}`} size="small" pagination={false} dataSource={draft.exceptions}
        locale={{ emptyText: <Empty description={t('checkRules.noExceptions')} /> }} columns={[
          { title: t('checkRules.rule'), render: (_, e) => <><div>{label(e.ruleId)}</div><Typography.Text type="secondary" code style={{ fontSize: 11 }}>{e.ruleId}</Typography.Text></> },
          { title: t('checkRules.phrase'), width: 160, dataIndex: 'phrase' },
          ...(canManage ? [{ title: '', width: 48, render: (_: unknown, __: unknown, i: number) => <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} onClick={() => setDraft({ ...draft, exceptions: draft.exceptions.filter((_, k) => k !== i) })} /> }] : []),
        ]} />
    </>
  )
}

function History({ versions }: { versions: Array<{ version: number; note: string; createdByName: string; createdAt: string; baseVersion: string }> }) {
  const [compare, setCompare] = useState<number | null>(null)
  const diff = useRuleSetDiff(compare === null ? null : compare - 1, compare)
  if (versions.length === 0) return <Empty description={t('checkRules.noVersions')} />
  const d = diff.data?.diff
  const lines = d ? [
    ...d.terms.added.map((r) => `${t('checkRules.diffAdded')} ${t('checkRules.terms')}：${r.terms.join('、')}`),
    ...d.terms.removed.map((r) => `${t('checkRules.diffRemoved')} ${t('checkRules.terms')}：${r.terms.join('、')}`),
    ...d.terms.changed.map((r) => `${t('checkRules.diffChanged')} ${t('checkRules.terms')}：${r.terms.join('、')}`),
    ...d.disabled.added.map((x) => `${t('checkRules.disabledTag')}：${x}`), ...d.disabled.removed.map((x) => `${t('checkRules.enabled')}：${x}`),
    ...d.severities.added.map((x) => `${t('checkRules.severity')}：${x}`), ...d.severities.removed.map((x) => `${t('checkRules.diffRemoved')} ${t('checkRules.severity')}：${x}`),
    ...d.allow.added.map((x) => `${t('checkRules.diffAdded')} ${t('checkRules.tabAllow')}：${x}`), ...d.allow.removed.map((x) => `${t('checkRules.diffRemoved')} ${t('checkRules.tabAllow')}：${x}`),
    ...d.exceptions.added.map((x) => `${t('checkRules.diffAdded')} ${t('checkRules.tabExceptions')}：${x}`), ...d.exceptions.removed.map((x) => `${t('checkRules.diffRemoved')} ${t('checkRules.tabExceptions')}：${x}`),
  ] : []
  return (
    <>
      <Table rowKey="version" size="small" pagination={false} dataSource={versions} columns={[
        { title: t('checkRules.version'), width: 70, dataIndex: 'version' },
        { title: t('checkRules.note'), dataIndex: 'note' },
        { title: t('checkRules.by'), width: 120, dataIndex: 'createdByName' },
        { title: t('checkRules.at'), width: 170, render: (_, v) => formatDateTime(v.createdAt) },
        { title: '', width: 120, render: (_, v) => <Button size="small" onClick={() => setCompare(v.version)}>{t('checkRules.compare')}</Button> },
      ]} />
      <Modal open={compare !== null} footer={null} onCancel={() => setCompare(null)} title={compare !== null ? t('checkRules.diffTitle', { from: compare - 1, to: compare }) : ''}>
        {diff.error ? <QueryError error={diff.error} /> : !d ? <FullPageSpin /> : lines.length === 0 ? <Empty description={t('checkRules.diffNone')} /> : (
          <ul data-testid="rule-set-diff">{lines.map((line) => <li key={line}>{line}</li>)}</ul>
        )}
      </Modal>
    </>
  )
}

/** Checks typed text with the version in force, a moment after typing stops. */
function TestBox() {
  const [text, setText] = useState('')
  const [hits, setHits] = useState<CheckHit[] | null>(null)
  const [error, setError] = useState<unknown>(null)
  useEffect(() => {
    if (!text.trim()) { setHits(null); return }
    let isCurrent = true
    const timer = setTimeout(() => {
      checksApi.run(text).then((r) => { if (isCurrent) { setHits(r.hits); setError(null) } }, (err: unknown) => { if (isCurrent) setError(err) })
    }, 400)
    return () => { isCurrent = false; clearTimeout(timer) }
  }, [text])
  return (
    <Card title={t('checkRules.testTitle')} style={{ flex: '1 1 300px', minWidth: 0 }}>
      <Input.TextArea rows={6} maxLength={5000} value={text} onChange={(e) => setText(e.target.value)} placeholder={t('checkRules.testPlaceholder')} data-testid="rule-test-text" />
      <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 8 }}>{t('checkRules.testHint')}</Typography.Paragraph>
      {error ? <QueryError error={error} /> : hits === null ? null : hits.length === 0 ? <Alert type="success" showIcon title={t('checkRules.testClean')} /> : (
        <ul style={{ paddingLeft: 18 }} data-testid="rule-test-hits">
          {hits.map((h) => (
            <li key={`${h.ruleId}:${h.start}`} data-rule={h.ruleId}>
              <Tag color={severityColor[h.severity]}>{severityLabel(h.severity)}</Tag>「{text.slice(h.start, h.end)}」{h.message}
              {h.suggestion && <Typography.Text type="secondary"> → {h.suggestion}</Typography.Text>}
            </li>
          ))}
        </ul>
      )}
    </Card>
  )
}
