import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DataDirInUseError, LOCK_FILE, lockDataDir, openPGlite } from './database.js'

/** The embedded database's data-dir lock: one process per directory, stale locks taken over. */
describe('data-dir lock', { timeout: 30_000 }, () => {
  const dirs: string[] = []
  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rongmei-lock-'))
    dirs.push(dir)
    return dir
  }
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
  })

  it('writes our pid, refuses a second opener, and releases on close', async () => {
    const dir = tempDir()
    const db = await openPGlite(dir)
    expect(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8').trim()).toBe(String(process.pid))
    await expect(openPGlite(dir)).rejects.toThrow(`the embedded database in ${dir} is in use by process ${process.pid}; stop it first`)
    await db.close()
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false)
    const again = await openPGlite(dir)
    await again.close()
  })

  it('refuses while another live process holds the directory, naming it', async () => {
    const dir = tempDir()
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'])
    try {
      fs.writeFileSync(path.join(dir, LOCK_FILE), `${holder.pid}\n`)
      let error: unknown
      try {
        lockDataDir(dir)
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(DataDirInUseError)
      expect((error as DataDirInUseError).pid).toBe(holder.pid)
      expect(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8').trim()).toBe(String(holder.pid))
    } finally {
      holder.kill()
    }
  })

  it('takes over a lock left by a dead process', () => {
    const dir = tempDir()
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString()
    fs.writeFileSync(path.join(dir, LOCK_FILE), `${dead}\n`)
    const release = lockDataDir(dir)
    expect(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8').trim()).toBe(String(process.pid))
    release()
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false)
  })

  it('takes over a lock naming our own pid that this process does not hold (a restarted container)', () => {
    const dir = tempDir()
    fs.writeFileSync(path.join(dir, LOCK_FILE), `${process.pid}\n`)
    const release = lockDataDir(dir)
    expect(() => lockDataDir(dir)).toThrow(DataDirInUseError)
    release()
  })

  it('takes over an empty or garbled lock file', () => {
    const dir = tempDir()
    fs.writeFileSync(path.join(dir, LOCK_FILE), 'not a pid')
    lockDataDir(dir)()
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false)
  })

  it('leaves a lock alone that another process took after ours was released', () => {
    const dir = tempDir()
    const release = lockDataDir(dir)
    fs.writeFileSync(path.join(dir, LOCK_FILE), '1\n')
    release()
    expect(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8')).toBe('1\n')
  })
})
