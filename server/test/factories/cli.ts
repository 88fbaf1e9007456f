import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { TEST_DATABASE_URL } from '../harness.js'
import { createServerDatabase } from '../server-database.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

/**
 * Runs `node bin/rongmei.js …args` the way an operator would, with only the given environment on
 * top of PATH (so a developer's own DATABASE_URL never leaks in).
 */
export function runCli(args: string[], env: Record<string, string | undefined>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/rongmei.js', ...args], {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => { stdout += d })
    child.stderr.on('data', (d) => { stderr += d })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/** An empty database (nothing migrated) on the test Postgres server, and how to drop it. */
export function emptyPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  return createServerDatabase(TEST_DATABASE_URL)
}
