import { useState } from 'react'
import { useParams } from 'react-router-dom'
import { useStory, type Story } from '../../api/stories'
import { FullPageSpin, QueryError } from '../../components/QueryState'
import { StoryWorkspace } from './edit/StoryWorkspace'

/** /stories/:id — loads the story once for the editor; later reads only refresh its particulars. */
export function StoryEditPage() {
  const { id } = useParams<{ id: string }>()
  const story = useStory(id)
  // The editor starts from the first load; refetches (after a save, a review act) must not reset it.
  const [loaded, setLoaded] = useState<{ id: string; story: Story } | null>(null)
  if (story.data && loaded?.id !== story.data.id) setLoaded({ id: story.data.id, story: story.data })

  if (story.error) return <QueryError error={story.error} onRetry={() => void story.refetch()} />
  if (!story.data || !loaded || loaded.id !== id) return <FullPageSpin />
  return <StoryWorkspace key={loaded.id} story={loaded.story} current={story.data} />
}
