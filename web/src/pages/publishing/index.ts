export { AccountsPage } from './AccountsPage'
export { BoardPage } from './BoardPage'
export { CalendarPage } from './CalendarPage'
export { StoryPublishingPage } from './StoryPublishingPage'
