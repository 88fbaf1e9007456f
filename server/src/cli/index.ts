import type { Command } from 'commander'

/** Adds one CLI command group (e.g. `user`, `audit`, `backup`) to the `rongmei` program. */
export type CliCommand = (program: Command) => void

/** Every command group beyond serve/migrate/seed. Add one here with one line. */
export const cliCommands: CliCommand[] = [
  (await import('./audit.js')).auditCommand,
  (await import('./backup.js')).backupCommands,
  (await import('./user.js')).userCommand,
]
