import { Command } from 'commander'
import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { loadConfig, type Config } from './config.js'
import { openDatabase, type Database } from './db/database.js'
import { maintenanceJobs } from './db/maintenance.js'
import { migrate } from './db/migrate.js'
import { openReadyDatabase } from './db/open.js'
import { cliCommands } from './cli/index.js'
import { startMetricsServer } from './kernel/health.js'
import { startWorkers } from './kernel/worker.js'
import { handlerMap, periodicJobs } from './modules/subscriptions.js'
import { DEFAULT_DEMO_PASSWORD, hasDemoUsers, isEmpty, seedDemo } from './seed/demo.js'
import { seedDemoExamples } from './seed/examples.js'

function printDemoCredentials(result: { createdUsers: string[]; password: string; isPasswordDefault: boolean }): void {
  if (result.createdUsers.length === 0) {
    console.log('Demo data already present; nothing changed.')
    return
  }
  console.log(`Demo platform seeded: ${result.createdUsers.length} users.`)
  console.log(`  Sign in at /console/ as "admin" (platform admin), "secadmin", "auditor", or e.g. "district-a.reporter".`)
  console.log(`  Password of every demo user: ${result.password}${result.isPasswordDefault ? '  (set RONGMEI_DEMO_PASSWORD to choose another)' : ''}`)
}

/** Throws when the server must not start: in production, demo users (known passwords) are refused. */
export async function assertStartable(db: Database, config: Pick<Config, 'nodeEnv'>): Promise<void> {
  if (config.nodeEnv === 'production' && (await hasDemoUsers(db))) {
    throw new Error('refusing to start in production with demo users present: disable or delete them first')
  }
}

async function serve(config: Config, { isSeedingDemoIfEmpty = false, hasExamples = false, hasWorkers = true } = {}): Promise<void> {
  const db = await openReadyDatabase(config)
  if (isSeedingDemoIfEmpty && (await isEmpty(db))) {
    printDemoCredentials(await seedDemo(db, { password: config.demoPassword }))
    // A convenience for a first look: the server still starts if making them fails.
    if (hasExamples) await seedExamples(config, db).catch((error: Error) => console.error(`Example work not (fully) made: ${error.message}`))
  }
  try {
    await assertStartable(db, config)
  } catch (error) {
    await db.close()
    throw error
  }
  const app = await buildApp({ config, db })
  // RONGMEI_METRICS_PORT: /metrics on a listener of its own, kept off the public network.
  const metricsServer = await startMetricsServer(app, config)
  const jobs = [...periodicJobs.map((make) => make({ db })), ...maintenanceJobs(db, config)]
  const workers = hasWorkers ? startWorkers({ db, handlers: handlerMap(), jobs, onError: (err) => app.log.error({ err }, 'background work failed') }) : null
  closeWithGrace({ delay: 10_000 }, async ({ err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error')
    await workers?.stop()
    await metricsServer?.close()
    await app.close()
    await db.close()
  })
  await app.listen({ port: config.port, host: config.host })
}

async function seedExamples(config: Config, db: Database): Promise<void> {
  const made = await seedDemoExamples({ config, db, password: config.demoPassword ?? DEFAULT_DEMO_PASSWORD })
  if (made.centers.length > 0) console.log(`Example work made in ${made.centers.join(', ')}: ${made.stories} stories at every step of review (one published), ${made.tickets} citizens' messages at every step of handling.`)
  if (made.skipped.length > 0) console.log(`No example work added to ${made.skipped.join(', ')}: it already holds stories.`)
}

const program = new Command('rongmei').description('Rongmei 融媒 platform').showHelpAfterError()

program.command('serve').description('migrate, then serve the API, console and public site')
  .option('-p, --port <port>', 'port to listen on (default $PORT or 3000)')
  .option('--seed-demo-if-empty', 'seed the demo platform when the database has no tenant yet')
  .option('--with-examples', 'with --seed-demo-if-empty: also make example stories and messages in the demo centers')
  .option('--no-workers', 'serve HTTP only; run `rongmei worker` processes for background work')
  .action(async (options: { port?: string; seedDemoIfEmpty?: boolean; withExamples?: boolean; workers: boolean }) => {
    const config = loadConfig(process.env, options.port ? { port: Number(options.port) } : {})
    await serve(config, { isSeedingDemoIfEmpty: options.seedDemoIfEmpty, hasExamples: options.withExamples, hasWorkers: options.workers })
  })

program.command('worker').description('run background work only (event delivery), for deployments at scale')
  .action(async () => {
    const config = loadConfig()
    if (!config.databaseUrl) throw new Error('`rongmei worker` needs DATABASE_URL: with the embedded database, `rongmei serve` runs the workers itself')
    const db = await openReadyDatabase(config)
    const workers = startWorkers({ db, handlers: handlerMap(), jobs: periodicJobs.map((make) => make({ db })), onError: (err) => console.error('background work failed:', err) })
    console.log('worker started')
    closeWithGrace({ delay: 10_000 }, async () => {
      await workers.stop()
      await db.close()
    })
  })

program.command('migrate').description('apply pending database migrations').action(async () => {
  const config = loadConfig()
  const db = await openDatabase(config)
  try {
    const applied = await migrate(db)
    console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.')
  } finally {
    await db.close()
  }
})

program.command('seed').description('seed data').option('--demo', 'the demo platform, tenants and users (idempotent)')
  .option('--examples', 'with --demo: example stories and messages in each demo center that has no story yet')
  .action(async (options: { demo?: boolean; examples?: boolean }) => {
    if (!options.demo) throw new Error('say what to seed: --demo')
    const config = loadConfig()
    const db = await openReadyDatabase(config)
    try {
      printDemoCredentials(await seedDemo(db, { password: config.demoPassword }))
      if (options.examples) await seedExamples(config, db)
    } finally {
      await db.close()
    }
  })

for (const register of cliCommands) register(program)

export { program }

const isMain = process.argv[1] && /(main\.ts|rongmei(\.js)?)$/.test(process.argv[1])
if (isMain) {
  program.parseAsync(process.argv).catch((error: Error) => {
    console.error(`rongmei: ${error.message}`)
    process.exit(1)
  })
}
