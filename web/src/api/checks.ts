import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
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
  /** Only on image hits (sent with `html`): start/end count the body's images. */
  field?: CheckField
  image?: { index: number; src: string; alt: string }
}

export interface CheckResult {
  ruleSetVersion: string
  isGovernmentAccount: boolean
  hits: CheckHit[]
}

/** 'image': start/end count the body's images (the caption/credit check), not characters. */
export type CheckField = 'title' | 'body' | 'image'

/** A hit as a submission stored it: per field, with the flagged text and its override. */
export interface StoredHit extends CheckHit {
  field: CheckField
  quote: string
  overrideId: string | null
}

/** POST /checks: offsets in the hits are UTF-16 indices into exactly the text sent. */
export const checksApi = {
  run: (text: string, html?: string) => api<CheckResult>('/checks', { method: 'POST', body: html === undefined ? { text } : { text, html } }),
}

// ---- per-tenant rule sets (审校规则) ----

export interface RuleView {
  id: string
  category: string
  categoryLabel: string
  kind: 'term' | 'pattern' | 'validator'
  severity: Severity
  governmentSeverity: Severity | null
  isGovernmentOnly: boolean
  message: string
  suggestion: string | null
  source: string
  terms: string[]
  allow: string[]
  isCustom: boolean
  isDisabled: boolean
  defaultSeverity: Severity | null
}

export interface CustomTermRule {
  id?: string
  category: string
  severity: Severity
  terms: string[]
  message: string
  suggestion: string | null
}

export interface RuleSetChanges {
  disabled: string[]
  severities: Array<{ ruleId: string; severity: Severity }>
  terms: CustomTermRule[]
  allow: string[]
  exceptions: Array<{ ruleId: string; phrase: string }>
}

export interface RuleSetVersionSummary {
  tenantId: string
  version: number
  baseVersion: string
  note: string
  createdBy: string
  createdByName: string
  createdAt: string
}

export interface RuleSetState {
  ruleSetVersion: string
  builtInVersion: string
  owner: { tenantId: string; name: string; isInherited: boolean } | null
  active: (RuleSetVersionSummary & { changes: RuleSetChanges }) | null
  versions: RuleSetVersionSummary[]
  limits: Record<string, number>
}

interface SetDiff { added: string[]; removed: string[] }
export interface RuleSetDiff {
  from: number
  to: number
  diff: { disabled: SetDiff; severities: SetDiff; allow: SetDiff; exceptions: SetDiff; terms: { added: CustomTermRule[]; removed: CustomTermRule[]; changed: CustomTermRule[] } }
}

export const emptyChanges: RuleSetChanges = { disabled: [], severities: [], terms: [], allow: [], exceptions: [] }

export function useRules() {
  return useQuery({ queryKey: ['check-rules'], queryFn: ({ signal }) => api<{ ruleSetVersion: string; rules: RuleView[] }>('/checks/rules', { signal }) })
}

export function useRuleSet() {
  return useQuery({ queryKey: ['check-rule-set'], queryFn: ({ signal }) => api<RuleSetState>('/checks/rule-set', { signal }) })
}

export function useRuleSetDiff(from: number | null, to: number | null) {
  return useQuery({
    queryKey: ['check-rule-set-diff', from, to],
    enabled: from !== null && to !== null,
    queryFn: ({ signal }) => api<RuleSetDiff>(`/checks/rule-set/diff?from=${from}&to=${to}`, { signal }),
  })
}

export function useSaveRuleSet() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (body: { changes: RuleSetChanges; note: string; expectedVersion: number }) =>
      api<RuleSetVersionSummary & { changes: RuleSetChanges }>('/checks/rule-set/versions', { method: 'POST', body }),
    onSuccess: async () => {
      await Promise.all([qc.invalidateQueries({ queryKey: ['check-rule-set'] }), qc.invalidateQueries({ queryKey: ['check-rules'] })])
    },
  })
}
