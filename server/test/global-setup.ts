import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
import { openPGlite, openPostgres } from '../src/db/database.js'
import { seedDemo } from '../src/seed/demo.js'
import { DEMO_PASSWORD, prepareDatabase, TEST_DATABASE_URL, type DatabaseTemplates } from './harness.js'
import { createServerDatabase, type ServerDatabase } from './server-database.js'

/**
 * Builds, once per run, a migrated database and a migrated + demo-seeded one; every test database
 * then starts as a copy of one of them (PGlite: a data-directory tarball; Postgres: CREATE DATABASE
 * … TEMPLATE). Each file still gets a database of its own — only the repeated initdb, migrations
 * and seeding (≈ 3 s per test app on PGlite) are saved.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const kind = project.name === 'postgres' ? 'postgres' : 'pglite'
  if (kind === 'pglite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rongmei-templates-'))
    const templates: DatabaseTemplates = { kind, migrated: path.join(dir, 'migrated.tar'), seeded: path.join(dir, 'seeded.tar') }
    const db = await openPGlite('memory://')
    try {
      await prepareDatabase(db, false)
      fs.writeFileSync(templates.migrated, Buffer.from(await (await db.dumpDataDir!()).arrayBuffer()))
      await seedDemo(db, { password: DEMO_PASSWORD })
      fs.writeFileSync(templates.seeded, Buffer.from(await (await db.dumpDataDir!()).arrayBuffer()))
    } finally {
      await db.close()
    }
    project.provide('databaseTemplates', templates)
    return async () => fs.rmSync(dir, { recursive: true, force: true })
  }

  const created: ServerDatabase[] = []
  try {
    for (const isSeeded of [false, true]) {
      const template = await createServerDatabase(TEST_DATABASE_URL, { prefix: isSeeded ? 'rongmei_tpl_s' : 'rongmei_tpl_m' })
      created.push(template)
      const db = await openPostgres(template.url, { poolSize: 2 })
      try {
        await prepareDatabase(db, isSeeded)
      } finally {
        await db.close()
      }
    }
  } catch (error) {
    for (const template of created) await template.drop()
    throw error
  }
  const [migrated, seeded] = created
  project.provide('databaseTemplates', { kind, migrated: migrated!.name, seeded: seeded!.name })
  return async () => {
    for (const template of created) await template.drop()
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    databaseTemplates: DatabaseTemplates
  }
}
