/**
 * The permission catalogue and the built-in roles.
 * Codes are stable API: routes declare them, roles grant them, API tokens are scoped by them.
 * Modules still to come have their codes here already so that roles can be set up once.
 */
export interface PermissionInfo {
  code: string
  group: string
  name: string
}

const catalogue = [
  // tenancy and people
  ['tenant.read', 'tenancy', '查看机构'],
  ['tenant.manage', 'tenancy', '管理机构（新建、改名、移动、停用）'],
  ['user.read', 'identity', '查看用户'],
  ['user.manage', 'identity', '管理用户（邀请、停用、重置密码、分配角色）'],
  ['role.manage', 'identity', '管理自定义角色'],
  ['security.policy.manage', 'identity', '管理安全策略（密码、锁定、会话）'],
  ['audit.read', 'audit', '查看审计日志'],
  ['audit.export', 'audit', '导出审计日志'],
  // editorial
  ['story.read', 'stories', '查看稿件'],
  ['story.create', 'stories', '撰写稿件'],
  ['story.edit', 'stories', '编辑他人稿件'],
  ['story.review.first', 'review', '初审'],
  ['story.review.second', 'review', '复审'],
  ['story.review.final', 'review', '终审'],
  ['story.signoff.head', 'review', '单位负责人签发（重要信息）'],
  ['story.proofread', 'review', '校对'],
  ['story.rules.manage', 'review', '管理审校规则'],
  ['planning.manage', 'planning', '策划选题与派发任务'],
  ['lead.read', 'leads', '查看线索'],
  ['lead.report', 'leads', '报送线索（网格员）'],
  // publishing and assets
  ['account.manage', 'publishing', '管理渠道账号'],
  ['publication.read', 'publishing', '查看渠道账号、发布状态与发布排期'],
  ['publication.manage', 'publishing', '发布、更正与撤稿'],
  ['asset.read', 'assets', '查看素材'],
  ['asset.manage', 'assets', '上传与管理素材'],
  ['asset.original.read', 'assets', '下载素材原件（含位置等隐私信息）'],
  // citizens' messages
  ['ticket.read', 'interaction', '查看留言工单'],
  ['ticket.dispatch', 'interaction', '留言分办（转办、改派、并单）'],
  ['ticket.handle', 'interaction', '留言办理与答复'],
  ['ticket.reply.review', 'interaction', '审核留言答复'],
  ['faq.manage', 'interaction', '管理问答库'],
  ['calendar.manage', 'interaction', '维护工作日历（节假日与调休）'],
  // evaluation and governance
  ['analytics.read', 'analytics', '查看数据与报表'],
  ['filing.read', 'governance', '查看账号备案'],
  ['filing.manage', 'governance', '管理账号备案'],
  ['inspection.run', 'governance', '开展巡检'],
] as const

export type PermissionCode = (typeof catalogue)[number][0]

export const permissions: readonly PermissionInfo[] = catalogue.map(([code, group, name]) => ({ code, group, name }))

const known = new Set<string>(permissions.map((p) => p.code))

/** True when `code` is in the catalogue. */
export function isPermissionCode(code: string): code is PermissionCode {
  return known.has(code)
}

export interface BuiltinRole {
  code: string
  name: string
  description: string
  permissions: PermissionCode[]
  /** Roles whose holders must use two-factor sign-in. */
  isTotpRequired: boolean
}

/**
 * Built-in roles. The three security roles follow 等保 separation of duties (三员分立):
 * the platform admin manages tenants and people but cannot read or touch the audit log,
 * the security admin manages roles and policy, the auditor only reads.
 */
export const builtinRoles: readonly BuiltinRole[] = [
  {
    code: 'platform_admin', name: '系统管理员', description: '管理机构与用户',
    permissions: ['tenant.read', 'tenant.manage', 'user.read', 'user.manage', 'calendar.manage'], isTotpRequired: true,
  },
  {
    code: 'security_admin', name: '安全管理员', description: '管理角色、权限与安全策略',
    permissions: ['tenant.read', 'user.read', 'role.manage', 'security.policy.manage'], isTotpRequired: true,
  },
  {
    code: 'auditor', name: '安全审计员', description: '查看与导出审计日志，不能修改任何数据',
    permissions: ['tenant.read', 'user.read', 'audit.read', 'audit.export'], isTotpRequired: true,
  },
  {
    code: 'center_leader', name: '中心领导', description: '统筹策划、重要信息签发、查看数据',
    permissions: ['tenant.read', 'story.read', 'story.signoff.head', 'planning.manage', 'lead.read', 'analytics.read', 'ticket.read', 'publication.read'],
    isTotpRequired: false,
  },
  {
    code: 'chief_editor', name: '总编辑（终审）', description: '终审稿件并安排发布',
    permissions: ['story.read', 'story.edit', 'story.review.final', 'story.rules.manage', 'planning.manage', 'lead.read', 'publication.read', 'publication.manage', 'asset.read'],
    isTotpRequired: false,
  },
  {
    code: 'section_head', name: '部门主任（复审）', description: '复审稿件',
    permissions: ['story.read', 'story.edit', 'story.review.second', 'planning.manage', 'lead.read', 'asset.read', 'publication.read'],
    isTotpRequired: false,
  },
  {
    code: 'editor', name: '编辑（初审）', description: '编辑与初审稿件',
    permissions: ['story.read', 'story.create', 'story.edit', 'story.review.first', 'lead.read', 'asset.read', 'asset.manage', 'asset.original.read', 'publication.read'],
    isTotpRequired: false,
  },
  {
    code: 'reporter', name: '记者', description: '采写稿件、上传素材',
    permissions: ['story.read', 'story.create', 'lead.read', 'asset.read', 'asset.manage'], isTotpRequired: false,
  },
  {
    code: 'proofreader', name: '校对', description: '校对稿件',
    permissions: ['story.read', 'story.proofread'], isTotpRequired: false,
  },
  {
    code: 'operator', name: '运营', description: '管理渠道账号与发布',
    permissions: ['story.read', 'account.manage', 'publication.read', 'publication.manage', 'asset.read', 'asset.manage', 'asset.original.read', 'analytics.read'],
    isTotpRequired: false,
  },
  {
    code: 'dispatcher', name: '留言分办员', description: '审核与转办群众留言',
    permissions: ['ticket.read', 'ticket.dispatch', 'ticket.reply.review', 'faq.manage'], isTotpRequired: false,
  },
  {
    code: 'department_handler', name: '部门办理员', description: '签收、办理与答复留言',
    permissions: ['ticket.read', 'ticket.handle', 'faq.manage'], isTotpRequired: false,
  },
  {
    code: 'grid_reporter', name: '网格员', description: '报送基层线索',
    permissions: ['lead.report'], isTotpRequired: false,
  },
  {
    code: 'inspector', name: '巡检员', description: '对政务新媒体开展巡检',
    permissions: ['tenant.read', 'filing.read', 'inspection.run', 'analytics.read'], isTotpRequired: false,
  },
]

/** Permissions that are never granted through a custom role, to keep separation of duties. */
export const reservedPermissions: ReadonlySet<PermissionCode> = new Set(['audit.read', 'audit.export', 'security.policy.manage', 'role.manage'])
