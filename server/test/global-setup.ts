import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { openPGlite, openPostgres } from '../src/db/database.js'
import { seedDemo } from '../src/seed/demo.js'
import { DEMO_PASSWORD, prepareDatabase, TEST_DATABASE_URL, urlWithDatabase, type DatabaseTemplates } from './harness.js'

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

  const suffix = crypto.randomBytes(4).toString('hex')
  const templates: DatabaseTemplates = { kind, migrated: `rongmei_tpl_m_${suffix}`, seeded: `rongmei_tpl_s_${suffix}` }
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL })
  await admin.connect()
  try {
    for (const [name, isSeeded] of [[templates.migrated, false], [templates.seeded, true]] as const) {
      await admin.query(`create database ${name}`)
      const db = await openPostgres(urlWithDatabase(TEST_DATABASE_URL, name), { poolSize: 2 })
      try {
        await prepareDatabase(db, isSeeded)
      } finally {
        await db.close()
      }
    }
  } finally {
    await admin.end()
  }
  project.provide('databaseTemplates', templates)
  return async () => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL })
    await client.connect()
    for (const name of [templates.migrated, templates.seeded]) await client.query(`drop database if exists ${name} with (force)`)
    await client.end()
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    databaseTemplates: DatabaseTemplates
  }
}
