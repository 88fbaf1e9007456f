/**
 * Kysely table types, one file per area under ./schema/; keep them in step with server/migrations
 * (the schema drift test compares them). A new area adds its file and one line to `DB`.
 */
import type { FoundationTables } from './schema/foundation.js'
import type { StoriesTables } from './schema/stories.js'
import type { ReviewTables } from './schema/review.js'
import type { AssetsTables } from './schema/assets.js'
import type { TicketsTables } from './schema/tickets.js'
import type { ChecksTables } from './schema/checks.js'
import type { PublishingTables } from './schema/publishing.js'
import type { SiteTables } from './schema/site.js'

export type * from './schema/foundation.js'
export type * from './schema/stories.js'
export type * from './schema/review.js'
export type * from './schema/assets.js'
export type * from './schema/tickets.js'
export type * from './schema/checks.js'
export type * from './schema/publishing.js'
export type * from './schema/site.js'

export interface DB extends FoundationTables, StoriesTables, ReviewTables, AssetsTables, TicketsTables, ChecksTables, PublishingTables, SiteTables {}
