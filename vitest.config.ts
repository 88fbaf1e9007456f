import { defineConfig } from 'vitest/config'

// The same server tests run twice: on embedded PGlite and on a real Postgres server.
// scripts/test.mjs decides which projects run (it checks for Postgres and Chromium first).
const serverTests = ['server/**/*.test.ts']
// Migrates and seeds one template database per run; each test database is a copy of it.
const globalSetup = ['server/test/global-setup.ts']

export default defineConfig({
  test: {
    testTimeout: 30_000,
    // Vitest's default is one worker per core minus one, i.e. a single worker on CI's 2 cores; the
    // files mostly wait on PGlite start-up, app build and Postgres, so two workers finish in about half the time.
    maxWorkers: 2,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'pglite', include: serverTests, globalSetup, env: { RONGMEI_TEST_DB: 'pglite', NODE_ENV: 'test' } } },
      { extends: true, test: { name: 'postgres', include: serverTests, globalSetup, env: { RONGMEI_TEST_DB: 'postgres', NODE_ENV: 'test' } } },
      { extends: true, test: { name: 'e2e', include: ['e2e/**/*.spec.ts'], globalSetup: ['e2e/global-setup.ts'], env: { NODE_ENV: 'test' }, testTimeout: 90_000, hookTimeout: 180_000, fileParallelism: false, retry: 1 } },
    ],
  },
})
