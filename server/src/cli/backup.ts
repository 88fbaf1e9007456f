import type { CliCommand } from './index.js'
import { loadConfig, type Config } from '../config.js'
import { DataDirInUseError, openDatabase, type Database } from '../db/database.js'
import { backup } from '../ops/backup.js'
import { restoreBackup } from '../ops/restore.js'

/** Opens the configured database; a running server on the embedded one gets a clear refusal. */
async function openForOps(config: Config, hint: string): Promise<Database> {
  try {
    return await openDatabase(config)
  } catch (error) {
    if (error instanceof DataDirInUseError) throw new Error(`${error.message}. ${hint}`)
    throw error
  }
}

/**
 * `rongmei backup <file.tar.gz>` and `rongmei restore <file.tar.gz>`. On the embedded database the
 * server must be stopped first (one process per data directory); on a Postgres server backups run
 * online from a snapshot. Restore needs an empty target and checks the whole archive first.
 */
export const backupCommands: CliCommand = (program) => {
  program.command('backup <file>').description('write a consistent backup of the database and the data directory files (.tar.gz)')
    .option('--force', 'overwrite the file when it exists')
    .action(async (file: string, options: { force?: boolean }) => {
      const config = loadConfig()
      const db = await openForOps(config, 'Stop the server before backing up the embedded database, or run Rongmei on a Postgres server (DATABASE_URL) for online backups.')
      try {
        const summary = await backup({ db, dataDir: config.dataDir, file, isOverwriting: options.force })
        console.log(`backup written to ${summary.file}: ${summary.rows} rows in ${summary.tables} tables, ${summary.files} files, ${summary.bytes} bytes`)
      } finally {
        await db.close()
      }
    })

  program.command('restore <file>').description('restore a backup into an empty data directory or database')
    .action(async (file: string) => {
      const config = loadConfig()
      const summary = await restoreBackup({
        file, dataDir: config.dataDir, open: () => openForOps(config, 'Stop the server before restoring into its data directory.'),
      })
      console.log(`restored the backup of ${summary.createdAt}: ${summary.rows} rows in ${summary.tables} tables, ${summary.files} files`)
    })
}
