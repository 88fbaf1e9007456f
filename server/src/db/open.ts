import type { Config } from '../config.js'
import { syncBuiltinRoles } from '../modules/identity/builtin-roles.js'
import { openDatabase, type Database } from './database.js'
import { migrate } from './migrate.js'

/** Opens the configured database, migrated and with the built-in roles in step with the code. */
export async function openReadyDatabase(config: Config): Promise<Database> {
  let db: Database
  try {
    db = await openDatabase(config)
  } catch (error) {
    const message = (error as Error).message ?? ''
    if (!config.databaseUrl && /lock|busy|already/i.test(message)) {
      throw new Error(`the embedded database in ${config.dataDir} is in use by another process (is the server running?)`)
    }
    throw error
  }
  await migrate(db)
  await syncBuiltinRoles(db)
  return db
}
