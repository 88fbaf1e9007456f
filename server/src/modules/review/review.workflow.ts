import type { Database } from '../../db/database.js'
import { inScope, type TenantScope, type Tx } from '../../db/scope.js'
import type { Actor, TenantContext } from '../../kernel/access.js'
import { appendAudit, withContext, type AuditContext } from '../../kernel/audit.js'
import { AppError, type FieldError } from '../../kernel/errors.js'
import { defaultWorkflow, reservedStageKeys, type Stage, type Workflow } from './review.machine.js'
import type { WorkflowInput } from './review.schema.js'
import * as store from './review.store.js'

/** Who acts, where, and the request facts for the audit entry. */
export interface ReviewActing {
  actor: Actor
  tenant: TenantContext
  audit: AuditContext
}

export interface WorkflowState extends Workflow {
  isDefault: boolean
  updatedAt: Date | null
  updatedBy: string | null
}

/** Only the fields a stage may have, in a fixed order (what the snapshot and the audit show). */
function cleanStage(s: Stage): Stage {
  return {
    key: s.key, name: s.name.trim(), permission: s.permission,
    ...(s.timeLimitHours !== undefined ? { timeLimitHours: s.timeLimitHours } : {}),
    ...(s.requiresHeadSignoff ? { requiresHeadSignoff: true } : {}),
  }
}

/** The tenant's workflow, or the default 初审 → 复审 → 终审 when it never set one. */
export async function loadWorkflow(trx: Tx, scope: TenantScope): Promise<WorkflowState> {
  const row = await store.findWorkflow(trx, scope)
  if (!row) return { ...defaultWorkflow, stages: defaultWorkflow.stages.map(cleanStage), isDefault: true, updatedAt: null, updatedBy: null }
  return {
    stages: (row.stages as Stage[]).map(cleanStage), restartPolicy: row.restart_policy, proofreadRoundsRequired: row.proofread_rounds_required,
    isDefault: false, updatedAt: row.updated_at, updatedBy: row.updated_by,
  }
}

/** The workflow as a cycle keeps it: what it was submitted under stays, whatever changes later. */
export function workflowSnapshot(w: Workflow): Record<string, unknown> {
  return { stages: w.stages.map(cleanStage), restartPolicy: w.restartPolicy, proofreadRoundsRequired: w.proofreadRoundsRequired }
}

export function workflowFromSnapshot(value: Record<string, unknown>): Workflow {
  return {
    stages: (value.stages as Stage[]).map(cleanStage),
    restartPolicy: value.restartPolicy === 'from_changed_stage' ? 'from_changed_stage' : 'from_start',
    proofreadRoundsRequired: Number(value.proofreadRoundsRequired ?? 0),
  }
}

/** Rules a schema cannot say: distinct keys, and none of the pseudo-stages' keys. */
export function workflowProblems(input: WorkflowInput): FieldError[] {
  const problems: FieldError[] = []
  const seen = new Set<string>()
  input.stages.forEach((s, i) => {
    if (reservedStageKeys.has(s.key)) problems.push({ field: `stages.${i}.key`, message: `${s.key} is reserved` })
    else if (seen.has(s.key)) problems.push({ field: `stages.${i}.key`, message: `${s.key} is used by an earlier stage` })
    seen.add(s.key)
  })
  return problems
}

/** Per-tenant review workflow: read by anyone who reads stories, changed by story.rules.manage. */
export function createWorkflowService({ db }: { db: Database }) {
  async function get(acting: ReviewActing): Promise<WorkflowState> {
    const scope = acting.tenant.scope
    return inScope(db, scope, (trx) => loadWorkflow(trx, scope))
  }

  /** Replaces the tenant's workflow; stories already in review keep the one they were submitted under. */
  async function update(acting: ReviewActing, input: WorkflowInput): Promise<WorkflowState> {
    if (!acting.tenant.permissions.has('story.rules.manage')) {
      throw new AppError('FORBIDDEN', 'permission story.rules.manage is needed here', { extra: { permission: 'story.rules.manage' } })
    }
    const problems = workflowProblems(input)
    if (problems.length > 0) {
      throw new AppError('VALIDATION_FAILED', problems.map((p) => `${p.field}: ${p.message}`).join('; '), { errors: problems })
    }
    const scope = acting.tenant.scope
    const next: Workflow = {
      stages: input.stages.map((s) => cleanStage(s as Stage)), restartPolicy: input.restartPolicy,
      proofreadRoundsRequired: input.proofreadRoundsRequired ?? 3,
    }
    return inScope(db, scope, async (trx) => {
      const before = await loadWorkflow(trx, scope)
      await store.upsertWorkflow(trx, scope, { ...next, updatedBy: acting.actor.userId, at: new Date() })
      await appendAudit(trx, withContext(acting.audit, {
        action: 'review.workflow.update', targetType: 'review_workflow', targetId: scope.tenantId,
        details: { from: workflowSnapshot(before), to: workflowSnapshot(next) },
      }))
      return loadWorkflow(trx, scope)
    })
  }

  return { get, update }
}
