import { z } from 'zod';
import { ok, refusedWith, type Ok, type Refusal, type Refused } from '../contracts/result.ts';

/**
 * The policy file (`airlock.policy.json`, or the path in AIRLOCK_POLICY):
 * environments and what each tier needs in them, reviewers and their roles,
 * agents and the tools they may call. The zod schema is the single source of
 * truth for its shape; `parsePolicy` reports problems with their JSON path.
 */

const Name = z.string().regex(/^[a-z][a-z0-9_.-]*$/i, 'use letters, digits, ".", "_" or "-"');

const Approval = z
  .object({
    /** Reviewer roles that may approve; omitted: any named person. */
    roles: z.array(Name).min(1).optional(),
    /** The reviewer must type the confirmation token from `airlock show`. */
    token: z.boolean().default(false),
  })
  .strict();

export const TierAction = z.union([z.literal('allow'), z.literal('block'), z.object({ approve: Approval }).strict()], {
  error: 'expected "allow", "block" or { "approve": { "roles"?: [...], "token"?: true } }',
});
export type TierAction = z.infer<typeof TierAction>;

export const EnvironmentPolicy = z
  .object({
    /** Other names for this environment (prod, prd…), in flags, variables and markers. */
    aliases: z.array(Name).default([]),
    tiers: z
      .object({
        read: TierAction,
        write: TierAction,
        destructive: TierAction,
        forbidden: z.literal('block', { error: 'forbidden statements are always blocked: "block"' }).default('block'),
      })
      .strict(),
    /** The requester may not approve their own action. */
    fourEyes: z.boolean().default(true),
    /** Caps on what one cleanup may touch; over either, it is blocked outright. */
    blastRadius: z
      .object({
        // Bounded so that no value can turn a limit off by overflowing it (countBudgetMs: 3000000000 made every dry-run fail).
        maxRows: z.number().int().positive().max(1_000_000_000_000, 'at most 1000000000000 rows').optional(),
        maxPercent: z.number().gt(0).max(100).optional(),
        /** How long the dry-run may count exactly (default 2000 ms); past it, EXPLAIN's estimate is used, marked "estimated". */
        countBudgetMs: z
          .number()
          .int()
          .positive()
          .max(300_000, "at most 300000 ms (5 minutes): a longer exact count holds the dry-run's snapshot open; past the budget EXPLAIN's estimate is used")
          .optional(),
        /** Tables with fewer rows than this (default 100) are judged by maxRows; over maxPercent there, the action needs a destructive-tier approval instead of being blocked. */
        smallTableRows: z.number().int().min(0).max(1_000_000_000).optional(),
      })
      .strict()
      .optional(),
    /** Read-only checks run after every change here; a wrong answer halts the thread and prints the undo command. */
    smokeQueries: z
      .array(z.object({ name: z.string().min(1), sql: z.string().min(1), expect: z.union([z.string(), z.number(), z.boolean()]) }).strict())
      .default([]),
    /** Target databases that are this environment, by host or database name (`*` matches anything). */
    detect: z
      .object({ hosts: z.array(z.string().min(1)).default([]), databases: z.array(z.string().min(1)).default([]) })
      .strict()
      .default({ hosts: [], databases: [] }),
  })
  .strict();
export type EnvironmentPolicy = z.infer<typeof EnvironmentPolicy>;

const PolicyShape = z
  .object({
    $schema: z.string().optional(),
    environments: z.record(Name, EnvironmentPolicy),
    reviewers: z.record(Name, z.object({ roles: z.array(Name).min(1) }).strict()).default({}),
    /** Agents (requesters named agent:NAME), the tools each may call and where. Empty: any agent, any tool. */
    agents: z
      .record(Name, z.object({ tools: z.array(z.string().min(1)).min(1), environments: z.array(z.string().min(1)).min(1) }).strict())
      .default({}),
    /** Pending approvals older than this expire, rejected, never executed. */
    approvalTtlHours: z.number().positive().max(8_760, 'at most 8760 hours (a year)').default(72),
    /** Where to POST a JSON event when a destructive action pauses and when it runs. */
    alerts: z
      .object({
        webhook: z.url({ protocol: /^https?$/ }),
        /** Attempts after the first, with backoff; a failure never stops the thread. */
        retries: z.number().int().min(0).max(10).default(3),
      })
      .strict()
      .optional(),
  })
  .strict();

export const Policy = PolicyShape.superRefine((policy, context) => {
  if (!policy.environments.production) {
    context.addIssue({
      code: 'custom',
      path: ['environments', 'production'],
      message: 'a "production" environment is required: unknown environments are treated as production',
    });
  }
  const heldRoles = new Set(Object.values(policy.reviewers).flatMap((reviewer) => reviewer.roles));
  const seen = new Map<string, string>();
  for (const [name, environment] of Object.entries(policy.environments)) {
    for (const alias of [name, ...environment.aliases]) {
      const key = alias.toLowerCase();
      const owner = seen.get(key);
      if (owner && owner !== name) {
        context.addIssue({ code: 'custom', path: ['environments', name, 'aliases'], message: `"${alias}" already names ${owner}` });
      }
      seen.set(key, name);
    }
    for (const tier of ['read', 'write', 'destructive'] as const) {
      const action = environment.tiers[tier];
      if (typeof action === 'object') {
        action.approve.roles?.forEach((role, index) => {
          if (!heldRoles.has(role)) {
            context.addIssue({
              code: 'custom',
              path: ['environments', name, 'tiers', tier, 'approve', 'roles', index],
              message: `no reviewer has role "${role}", so nothing could ever be approved: add it to a reviewer`,
            });
          }
        });
      }
    }
  }
  for (const [agent, grant] of Object.entries(policy.agents)) {
    grant.environments.forEach((environment, index) => {
      if (environment !== '*' && !seen.has(environment.toLowerCase())) {
        context.addIssue({ code: 'custom', path: ['agents', agent, 'environments', index], message: `unknown environment "${environment}"` });
      }
    });
  }
});
export type Policy = z.infer<typeof Policy>;

/** Without a policy file: reads run, production and staging writes need approval, destructive needs a token everywhere. */
export const BUILT_IN_POLICY: Policy = Policy.parse({
  environments: {
    production: {
      aliases: ['prod', 'prd', 'live'],
      tiers: { read: 'allow', write: { approve: {} }, destructive: { approve: { token: true } } },
      blastRadius: { maxRows: 100_000, maxPercent: 50 },
    },
    staging: {
      aliases: ['stage', 'stg', 'preprod', 'uat'],
      tiers: { read: 'allow', write: { approve: {} }, destructive: { approve: { token: true } } },
    },
    development: {
      aliases: ['dev', 'local', 'test', 'ci', 'sandbox'],
      tiers: { read: 'allow', write: 'allow', destructive: { approve: { token: true } } },
      fourEyes: false,
    },
  },
});

function jsonPath(path: PropertyKey[]): string {
  return path.reduce<string>((text, part) => {
    if (typeof part === 'number') return `${text}[${part}]`;
    const key = String(part);
    return /^[A-Za-z_$][\w$]*$/.test(key) ? (text ? `${text}.${key}` : key) : `${text}[${JSON.stringify(key)}]`;
  }, '');
}

export const POLICY_INVALID = 'policy-invalid';

/** The file is refused with its first problem in the line, and every problem beside it. */
export interface PolicyRefusal extends Refusal<typeof POLICY_INVALID> {
  /** Each `path: message`. */
  problems: string[];
}

export type PolicyOutcome = Ok<Policy> | Refused<PolicyRefusal>;

/** Validate a parsed policy file; each problem is `path: message`. `file` names it in the refusal's line. */
export function parsePolicy(json: unknown, file = 'the policy file'): PolicyOutcome {
  const result = Policy.safeParse(json);
  if (result.success) return ok(result.data);
  const problems = result.error.issues.map((issue) => `${jsonPath(issue.path) || '(top level)'}: ${issue.message}`);
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return refusedWith({ code: POLICY_INVALID, message: `${file} is invalid at ${problems[0]}${more}: fix it; nothing was run`, problems });
}
