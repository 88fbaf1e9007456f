import path from 'node:path'
import type { Readable } from 'node:stream'
import type { Config } from '../../../config.js'
import { createLocalStorage } from './local.js'
import { createS3Storage } from './s3.js'

/** A byte range, both ends inclusive (as HTTP Range says them). */
export interface ByteRange {
  start: number
  end: number
}

export interface ObjectInfo {
  size: number
}

/**
 * Where asset files live. Every method streams: no implementation may hold a whole file in
 * memory. Keys are relative paths made by this module (`originals/ab/abcd…`), never user input.
 */
export interface Storage {
  readonly kind: 'local' | 's3'
  /**
   * Stores the file at `filePath` under `key`, replacing what was there. With `isMove` the
   * caller gives the file up (a local store then renames it instead of copying).
   */
  putFile(key: string, filePath: string, options: { contentType: string; isMove?: boolean }): Promise<void>
  /** A readable stream of the object, or of `range` of it. Throws ObjectMissingError. */
  read(key: string, range?: ByteRange): Promise<Readable>
  /** Size of the object, or null when it is absent. */
  head(key: string): Promise<ObjectInfo | null>
  /** Removes the object; removing an absent one is not an error. */
  remove(key: string): Promise<void>
}

/** Thrown by `read` when the key names nothing. */
export class ObjectMissingError extends Error {
  constructor(readonly key: string) {
    super(`stored object ${key} is missing`)
    this.name = 'ObjectMissingError'
  }
}

/** The storage the configuration names: a directory under the data dir, or an S3 bucket. */
export function createStorage(config: Pick<Config, 'storage' | 'dataDir' | 's3Endpoint' | 's3Bucket' | 's3AccessKey' | 's3SecretKey' | 's3Region'>): Storage {
  if (config.storage === 's3') {
    return createS3Storage({
      endpoint: config.s3Endpoint!, bucket: config.s3Bucket!, accessKey: config.s3AccessKey!,
      secretKey: config.s3SecretKey!, region: config.s3Region,
    })
  }
  return createLocalStorage(path.join(config.dataDir, 'files'))
}

/** Key of an original: content-addressed, fanned out so no directory grows huge. */
export function originalKey(sha256: string): string {
  return `originals/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`
}

/** Key of one derivative of one asset. */
export function derivativeKey(tenantId: string, assetId: string, file: string): string {
  return `derivatives/${tenantId}/${assetId}/${file}`
}
