import type { Generated } from 'kysely'
import type { Json } from './columns.js'

/** Content-check rule sets per tenant (0007_check_rule_sets.sql); rows are immutable versions. */
export interface CheckRuleSetsTable {
  id: Generated<string>
  tenant_id: string
  version: number
  base_version: string
  changes: Json
  note: Generated<string>
  created_by: string
  created_by_name: string
  created_at: Generated<Date>
}

export interface ChecksTables {
  check_rule_sets: CheckRuleSetsTable
}
