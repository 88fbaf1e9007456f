import type { Database } from '../../db/database.js'
import { inScope, tenantScope } from '../../db/scope.js'
import { loadConfig } from '../../config.js'
import type { EventContext, EventHandler } from '../../kernel/events.js'
import { createSecretBox, loadSecretKey, type SecretBox } from '../../kernel/secrets.js'
import type { PeriodicJob } from '../../kernel/worker.js'
import { createSitePublisher } from '../site/site.publisher.js'
import { getForReview } from '../stories/stories.service.js'
import type { Channel } from './channels/channel.js'
import { createChannels, type BuiltChannel } from './channels/index.js'
import { runDueJobs } from './publishing.jobs.js'
import { enqueueCorrections } from './publishing.service.js'
import { appendAudit } from '../../kernel/audit.js'

/** The channels of a database: the site channels write through the site module's publisher. */
export function channelsFor(db: Database): Record<BuiltChannel, Channel> {
  return createChannels(createSitePublisher({ db }))
}

/** What the queue takes from the configuration: the key of stored secrets and the public site's address. */
interface RuntimeSettings {
  secretBox: SecretBox
  publicUrl: string
}

const registered = new WeakMap<Database, RuntimeSettings>()

/**
 * The settings a worker of `rongmei serve` uses, from the app's own configuration (so a test app
 * built with overrides and its in-process worker agree).
 */
export function registerRuntime(db: Database, settings: RuntimeSettings): void {
  registered.set(db, settings)
}

// `rongmei worker` builds no app: it reads the same environment the servers read.
function settingsFor(db: Database): RuntimeSettings {
  let settings = registered.get(db)
  if (!settings) {
    const config = loadConfig()
    settings = { secretBox: createSecretBox(loadSecretKey(config)), publicUrl: config.publicUrl }
    registered.set(db, settings)
  }
  return settings
}

/** The publishing queue as a periodic job of `rongmei serve` / `rongmei worker`. */
export const publishingJobs: Array<(context: EventContext) => PeriodicJob> = [
  ({ db }) => {
    const channels = channelsFor(db)
    // How long a claimed job stays a worker's: longer than the slowest platform call (30 s timeout).
    const leaseMs = Number(process.env.RONGMEI_PUBLISH_LEASE_MS || 5 * 60_000)
    return {
      name: 'publishing.queue', intervalMs: Number(process.env.RONGMEI_PUBLISH_INTERVAL_MS || 1000),
      async run() {
        // Keep going while full batches come back, so a burst does not wait a tick per ten jobs.
        while ((await runDueJobs({ db, ...settingsFor(db), channels, leaseMs }, { limit: 10 })) === 10) { /* next batch */ }
      },
    }
  },
]

/**
 * A newer version signed off: every live publication of the story is corrected (更正) — updated
 * in place where the channel can, a correction notice where it cannot.
 */
const onSignedOff: EventHandler = async (event, { db }) => {
  if (!event.tenantId) return
  const scope = tenantScope(event.tenantId)
  const storyId = String(event.payload.storyId)
  await inScope(db, scope, async (trx) => {
    const story = await getForReview(trx, scope, storyId)
    if (story.state !== 'signed_off') return
    const corrected = await enqueueCorrections(trx, scope, {
      storyId, versionNumber: story.versionNumber, versionHash: story.versionHash, note: `本文已更正（第 ${story.versionNumber} 版）。`,
    })
    if (corrected.length > 0) {
      await appendAudit(trx, { action: 'publication.correction_requested', tenantId: scope.tenantId, actorName: '发布队列', targetType: 'story', targetId: storyId, details: { versionNumber: story.versionNumber, publications: corrected.length, via: 'story.signed_off' } })
    }
  })
}

export const publishingSubscriptions: Array<[string, EventHandler]> = [['story.signed_off', onSignedOff]]
