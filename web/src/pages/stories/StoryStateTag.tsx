import { Tag } from 'antd'
import type { StoryState } from '../../api/stories'
import { t } from '../../i18n'

const colors: Record<StoryState, string> = { draft: 'default', in_review: 'processing', returned: 'warning', rejected: 'error', signed_off: 'success' }

export function StoryStateTag({ state }: { state: StoryState }) {
  return (
    <Tag color={colors[state]} style={{ marginInlineEnd: 0 }} data-testid="story-state">
      {t(`story.state.${state}`)}
    </Tag>
  )
}
