import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
import { spawnServer } from './server.js'

/**
 * Seeds the demo platform once per run into a template data directory (started and stopped like a
 * user's first `rongmei serve --seed-demo-if-empty`); each spec's server starts on a copy of it.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const template = fs.mkdtempSync(path.join(os.tmpdir(), 'rongmei-e2e-template-'))
  const server = await spawnServer(template, {}, { isKeepingData: true })
  await server.stop()
  project.provide('e2eDataTemplate', template)
  return () => fs.rmSync(template, { recursive: true, force: true })
}

declare module 'vitest' {
  export interface ProvidedContext {
    e2eDataTemplate: string
  }
}
