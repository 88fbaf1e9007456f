import type { Config } from '../config.js'
import { syncBuiltinRoles } from '../modules/identity/builtin-roles.js'
import { openDatabase, type Database } from './database.js'
import { migrate } from './migrate.js'

/**
 * Opens the configured database, migrated and with the built-in roles in step with the code.
 * An embedded data directory held by another process is refused by the data-dir lock.
 */
export async function openReadyDatabase(config: Config): Promise<Database> {
  const db = await openDatabase(config)
  try {
    await migrate(db)
    await syncBuiltinRoles(db)
  } catch (error) {
    await db.close()
    throw error
  }
  return db
}
