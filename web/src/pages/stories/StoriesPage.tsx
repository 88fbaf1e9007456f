import { useEffect, useMemo, useState, type HTMLAttributes } from 'react'
import { Button, Card, Checkbox, Empty, Input, Select, Table, Typography } from 'antd'
import { PlusOutlined } from '@ant-design/icons'
import { useWorkflow } from '../../api/review'
import { storyStates, useStories, type StoryFilters, type StoryListItem, type StoryState } from '../../api/stories'
import { usePermissions } from '../../auth/permissions'
import { PageHeader } from '../../components/PageHeader'
import { QueryError } from '../../components/QueryState'
import { t } from '../../i18n'
import { ImportDocxButton } from './ImportDocxButton'
import { NewStoryModal } from './NewStoryModal'
import { stageName, storyColumns } from './storyColumns'
import './stories.css'

/** 文稿中心: every story of the current unit, newest change first, with filters. */
export function StoriesPage() {
  const { can } = usePermissions()
  const [filters, setFilters] = useState<StoryFilters>({})
  const [isCreating, setCreating] = useState(false)
  const stories = useStories(filters)
  const workflow = useWorkflow()
  const stages = workflow.data?.stages
  const rows = useMemo(() => stories.data?.pages.flatMap((p) => p.items) ?? [], [stories.data])
  const columns = useMemo(() => storyColumns(stages), [stages])
  const isFiltered = Object.values(filters).some((v) => v !== undefined && v !== false)
  // Authors offered in the filter: everyone seen in the list so far (reporters may not read the user directory).
  const [authors, setAuthors] = useState<Map<string, string>>(new Map())
  useEffect(() => {
    if (rows.some((r) => !authors.has(r.authorId))) setAuthors((known) => new Map([...known, ...rows.map((r) => [r.authorId, r.authorName] as const)]))
  }, [rows, authors])
  const stageOptions = stages
    ? [...stages.map((s, i) => ({ value: i, label: s.name })), { value: stages.length, label: stageName(stages, stages.length) }, { value: stages.length + 1, label: stageName(stages, stages.length + 1) }]
    : []

  const set = <K extends keyof StoryFilters>(key: K, value: StoryFilters[K]) => setFilters((f) => ({ ...f, [key]: value }))

  return (
    <>
      <PageHeader
        title={t('nav.stories')}
        description={t('stories.description')}
        extra={
          can('story.create') && (
            <>
              <ImportDocxButton />
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="story-new">
                {t('stories.new')}
              </Button>
            </>
          )
        }
      />
      <Card>
        <div className="rm-toolbar">
          <Input.Search
            allowClear
            placeholder={t('stories.search')}
            aria-label={t('stories.search')}
            onSearch={(q) => set('q', q.trim() || undefined)}
            style={{ width: 240, maxWidth: '100%' }}
          />
          {/* "All" is a real option rather than a placeholder: readable, and clearly a choice. */}
          <Select<StoryState | 'all'>
            aria-label={t('stories.stateFilter')}
            value={filters.state ?? 'all'}
            onChange={(v) => {
              const state = v === 'all' ? undefined : v
              setFilters((f) => ({ ...f, state, stage: state === 'in_review' ? f.stage : undefined }))
            }}
            options={[{ value: 'all', label: t('stories.allStates') }, ...storyStates.map((s) => ({ value: s, label: t(`story.state.${s}`) }))]}
            style={{ width: 130 }}
            data-testid="stories-state-filter"
          />
          <Select<number>
            aria-label={t('stories.stageFilter')}
            value={filters.stage ?? -1}
            onChange={(v) => {
              const stage = v < 0 ? undefined : v
              setFilters((f) => ({ ...f, stage, state: stage === undefined ? f.state : 'in_review' }))
            }}
            options={[{ value: -1, label: t('stories.allStages') }, ...stageOptions]}
            style={{ width: 130 }}
          />
          <Select<string>
            aria-label={t('stories.authorFilter')}
            value={filters.authorId ?? 'all'}
            onChange={(v) => setFilters((f) => ({ ...f, authorId: v === 'all' ? undefined : v, mine: undefined }))}
            options={[{ value: 'all', label: t('stories.allAuthors') }, ...[...authors].map(([id, name]) => ({ value: id, label: name }))]}
            showSearch
            optionFilterProp="label"
            style={{ width: 140 }}
            data-testid="stories-author-filter"
          />
          <Checkbox checked={!!filters.mine} onChange={(e) => setFilters((f) => ({ ...f, mine: e.target.checked || undefined, authorId: undefined }))} data-testid="stories-mine">
            {t('stories.mine')}
          </Checkbox>
          <Checkbox
            checked={!!filters.overdue}
            onChange={(e) => setFilters((f) => ({ ...f, overdue: e.target.checked || undefined, state: e.target.checked ? undefined : f.state }))}
            data-testid="stories-overdue"
          >
            {t('stories.overdueOnly')}
          </Checkbox>
        </div>
        {stories.error ? (
          <QueryError error={stories.error} onRetry={() => void stories.refetch()} />
        ) : (
          <>
            <Table<StoryListItem>
              rowKey="id"
              columns={columns}
              dataSource={rows}
              loading={stories.isFetching && !stories.isFetchingNextPage}
              pagination={false}
              size="middle"
              tableLayout="fixed"
              onRow={(s) => ({ 'data-testid': 'story-row', 'data-state': s.state }) as HTMLAttributes<HTMLElement>}
              locale={{ emptyText: <Empty description={isFiltered ? t('stories.noMatch') : t('stories.empty')} /> }}
            />
            <div style={{ textAlign: 'center', marginTop: 16 }}>
              {stories.hasNextPage ? (
                <Button onClick={() => void stories.fetchNextPage()} loading={stories.isFetchingNextPage}>
                  {t('common.loadMore')}
                </Button>
              ) : (
                rows.length > 0 && <Typography.Text type="secondary">{t('stories.allShown', { count: rows.length })}</Typography.Text>
              )}
            </div>
          </>
        )}
      </Card>
      <NewStoryModal open={isCreating} onClose={() => setCreating(false)} />
    </>
  )
}
