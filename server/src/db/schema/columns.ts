import type { ColumnType } from 'kysely'

/** Column helpers shared by the table types in this folder. */
export type NullableTimestamp = Date | null
export type Json = ColumnType<Record<string, unknown>, string | Record<string, unknown> | undefined, string | Record<string, unknown>>
/** A jsonb array column (written as JSON text, read back parsed). */
export type JsonArray = ColumnType<unknown[], string | undefined, string>
/** A jsonb column holding an array of objects (written as JSON text, read back parsed). */
export type JsonList = ColumnType<Array<Record<string, unknown>>, string | undefined, string>
// Date columns are read as 'YYYY-MM-DD' text (the stores cast them), so no driver turns a
// calendar date into a local-midnight instant.
export type IsoDateColumn = ColumnType<string, string, string>
export type NullableIsoDate = ColumnType<string | null, string | null | undefined, string | null>
