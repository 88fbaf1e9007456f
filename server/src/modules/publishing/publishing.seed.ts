import type { Tx } from '../../db/scope.js'

/**
 * Demo accounts: each center gets its own website and its RSS feed (no credentials needed).
 * Idempotent: a center that already has an account of the channel keeps it. Runs in the seed's
 * system-scope transaction.
 */
export async function seedPublishingDemo(trx: Tx, ids: ReadonlyMap<string, { id: string }>): Promise<void> {
  const centers = await trx.selectFrom('tenants').select(['id', 'name']).where('kind', '=', 'center')
    .where('id', 'in', [...ids.values()].map((t) => t.id)).execute()
  for (const center of centers) {
    for (const [channel, name] of [['website', `${center.name}网站`], ['rss', `${center.name} RSS 订阅`]] as const) {
      const existing = await trx.selectFrom('publishing_accounts').select('id').where('tenant_id', '=', center.id)
        .where('channel', '=', channel).where('deleted_at', 'is', null).executeTakeFirst()
      if (existing) continue
      await trx.insertInto('publishing_accounts').values({ tenant_id: center.id, channel, name, settings: JSON.stringify({}), credentials_sealed: null, credential_fields: [] }).execute()
    }
  }
}
