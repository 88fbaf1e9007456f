import type { CliCommand } from './index.js'
import { loadConfig } from '../config.js'
import { openDatabase } from '../db/database.js'
import { verifyAuditChain } from '../kernel/audit.js'

/**
 * `rongmei audit verify`: walks the hash chain. Exit 0 and "audit log intact: N rows" when no row
 * was altered, removed or reordered; exit 1 naming the first bad row otherwise. It opens the
 * database without migrating: checking must never change what is checked.
 */
export const auditCommand: CliCommand = (program) => {
  const audit = program.command('audit').description('the append-only, hash-chained audit log')
  audit.command('verify').description('prove the audit log untouched (exit 1 names the first bad row)')
    .action(async () => {
      const db = await openDatabase(loadConfig())
      try {
        const result = await verifyAuditChain(db)
        if (result.ok) {
          console.log(`audit log intact: ${result.checked} rows`)
        } else {
          console.error(`audit log broken: ${result.reason} (first bad row: ${result.firstBadSeq}; ${result.checked} rows before it are intact)`)
          process.exitCode = 1
        }
      } finally {
        await db.close()
      }
    })
}
