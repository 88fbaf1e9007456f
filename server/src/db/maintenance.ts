import { CompiledQuery, sql } from 'kysely'
import type { PeriodicJob } from '../kernel/worker.js'
import type { Database } from './database.js'

/** How often the job looks at the queue; each look vacuums at most one table. */
export const MAINTENANCE_TICK_MS = 30_000

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`

/**
 * Routine VACUUM (ANALYZE) for the embedded database. PGlite runs Postgres as one backend with
 * no autovacuum launcher: measured here, `autovacuum` reads "on", yet no table is ever vacuumed
 * or analysed and pg_stat_user_tables never counts a row. Without this job the planner keeps its
 * default guesses for good (a 10,000-story site was planned as 5 postings a word) and rows that
 * were updated or deleted (publishing jobs, sessions, the outbox) are never reclaimed.
 *
 * One table per tick, because PGlite has one connection and every request waits while a
 * statement runs: a request can meet one table's vacuum, never the whole database's. A round
 * starts at the first tick after start and then every `everyMs`; a table dropped meanwhile is
 * skipped. On a Postgres server autovacuum does this; the job is not started there.
 */
export function embeddedMaintenanceJob({ db, everyMs, tickMs = MAINTENANCE_TICK_MS, now = Date.now }: {
  db: Database; everyMs: number; tickMs?: number; now?: () => number
}): PeriodicJob {
  let queue: string[] = []
  let roundStartedAt = Number.NEGATIVE_INFINITY
  return {
    name: 'db.embedded-maintenance',
    intervalMs: tickMs,
    async run() {
      if (queue.length === 0) {
        if (now() - roundStartedAt < everyMs) return
        roundStartedAt = now()
        queue = await db.runAsOwner(async (owner) => (await sql<{ tablename: string }>`
          select tablename from pg_tables where schemaname = 'public' order by tablename`.execute(owner)).rows.map((r) => r.tablename))
      }
      const table = queue.shift()
      if (!table) return
      await db.runAsOwner(async (owner) => {
        const exists = await sql<{ ok: boolean }>`select to_regclass(${`public.${quoted(table)}`}) is not null as ok`.execute(owner)
        // VACUUM cannot run in a transaction block: plain text through the simple protocol.
        if (exists.rows[0]?.ok) await owner.executeQuery(CompiledQuery.raw(`vacuum (analyze) public.${quoted(table)}`))
      })
    },
  }
}

/** The maintenance jobs a process runs for its database: only the embedded one needs any. */
export function maintenanceJobs(db: Database, { embeddedMaintenanceHours }: { embeddedMaintenanceHours: number }): PeriodicJob[] {
  if (db.kind !== 'pglite' || embeddedMaintenanceHours <= 0) return []
  return [embeddedMaintenanceJob({ db, everyMs: embeddedMaintenanceHours * 3_600_000 })]
}
