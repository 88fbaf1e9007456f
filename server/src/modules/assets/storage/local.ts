import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { ObjectMissingError, type Storage } from './storage.js'

/**
 * Files in a local directory. Writes go to a temporary name beside the target and are renamed
 * into place, so a reader never sees half a file and a crash leaves no torn object behind.
 */
export function createLocalStorage(root: string): Storage {
  const resolve = (key: string) => {
    const full = path.resolve(root, key)
    // Keys are made by the module, but a bug must not become a path traversal.
    if (!full.startsWith(path.resolve(root) + path.sep)) throw new Error(`storage key escapes the root: ${key}`)
    return full
  }

  return {
    kind: 'local',

    async putFile(key, filePath, { isMove = false }) {
      const target = resolve(key)
      await fs.promises.mkdir(path.dirname(target), { recursive: true })
      if (isMove) {
        try {
          await fs.promises.rename(filePath, target)
          return
        } catch (error) {
          // Another device: fall back to copying into place.
          if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error
        }
      }
      const temp = `${target}.${crypto.randomBytes(6).toString('hex')}.tmp`
      try {
        await fs.promises.copyFile(filePath, temp)
        await fs.promises.rename(temp, target)
      } catch (error) {
        await fs.promises.rm(temp, { force: true })
        throw error
      }
    },

    async read(key, range) {
      const file = resolve(key)
      try {
        await fs.promises.access(file)
      } catch {
        throw new ObjectMissingError(key)
      }
      return fs.createReadStream(file, range ? { start: range.start, end: range.end } : {})
    },

    async head(key) {
      try {
        const stat = await fs.promises.stat(resolve(key))
        return { size: stat.size }
      } catch {
        return null
      }
    },

    async remove(key) {
      await fs.promises.rm(resolve(key), { force: true })
    },
  }
}

/** Streams a readable into a file (used by adapters and the processing worker). */
export async function streamToFile(source: NodeJS.ReadableStream, filePath: string): Promise<void> {
  await pipeline(source, fs.createWriteStream(filePath))
}
