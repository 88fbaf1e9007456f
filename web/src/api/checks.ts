import { api } from './client'

/** Shapes of the checks API (server/src/modules/checks/checks.schema.ts, docs/checks.md). */

export type Severity = 'block' | 'review' | 'hint'
export const severities: Severity[] = ['block', 'review', 'hint']

export interface CheckHit {
  start: number
  end: number
  ruleId: string
  category: string
  severity: Severity
  message: string
  suggestion: string | null
  source: string
}

export interface CheckResult {
  ruleSetVersion: string
  isGovernmentAccount: boolean
  hits: CheckHit[]
}

export type CheckField = 'title' | 'body'

/** A hit as a submission stored it: per field, with the flagged text and its override. */
export interface StoredHit extends CheckHit {
  field: CheckField
  quote: string
  overrideId: string | null
}

/** POST /checks: offsets in the hits are UTF-16 indices into exactly the text sent. */
export const checksApi = {
  run: (text: string) => api<CheckResult>('/checks', { method: 'POST', body: { text } }),
}
