import path from 'node:path'
import { loadConfig, type Config } from '../../config.js'
import type { Database } from '../../db/database.js'
import { createUrlSigner, signingKey, type UrlSigner } from './storage/signed-url.js'
import { createStorage, type Storage } from './storage/storage.js'

/** What the asset services, the site routes and the background handlers share. */
export interface AssetRuntime {
  db: Database
  config: Config
  storage: Storage
  signer: UrlSigner
  /** Temp files (uploads, processing) live here, on the data dir's file system. */
  tmpDir: string
}

const runtimes = new WeakMap<Database, AssetRuntime>()

/**
 * The runtime for a database: made once by the app (with its configuration) and found again by
 * event handlers, which are given only the database. A worker process that built no app makes
 * one from the environment's configuration.
 */
export function assetRuntime(db: Database, config?: Config): AssetRuntime {
  const known = runtimes.get(db)
  if (known) return known
  const settings = config ?? loadConfig()
  const runtime: AssetRuntime = {
    db, config: settings, storage: createStorage(settings),
    signer: createUrlSigner(signingKey(settings), settings.signedUrlSeconds),
    tmpDir: path.join(settings.dataDir, 'tmp', 'assets'),
  }
  runtimes.set(db, runtime)
  return runtime
}
