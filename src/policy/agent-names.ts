/**
 * The agent's names, defined once: the identity an agent acts as
 * (`agent:ROLE`) and its tools. The policy grants by these names, the guard
 * and permit steps check them, and the tools are registered under them.
 */

import { comparableName } from './principal-name.ts';

export const AGENT_PREFIX = 'agent:';

/** The identity an agent of this role acts as. */
export function agentIdentity(role: string): string {
  return `${AGENT_PREFIX}${role}`;
}

/** Is this name an agent's identity (which may never approve or edit)? In any case, width or spacing: `AGENT:bot`, `ａｇｅｎｔ:bot`, ` agent:bot`. */
export function isAgentIdentity(name: string): boolean {
  return comparableName(name).startsWith(AGENT_PREFIX);
}

/** The role an agent identity names (`agent:cleanup-bot` → `cleanup-bot`), as compared; undefined for a person. */
export function agentRole(name: string): string | undefined {
  const comparable = comparableName(name);
  return comparable.startsWith(AGENT_PREFIX) ? comparable.slice(AGENT_PREFIX.length) : undefined;
}

/** The tools that only read. */
export const READ_TOOLS = ['list_tables', 'describe_table', 'sample_rows', 'count_rows', 'run_select', 'explain'] as const;
/** The tools that hand an action to the migration or cleanup graph. */
export const WRITE_TOOLS = ['propose_migration', 'propose_cleanup'] as const;
/** Every tool the agent has; there is no generic execute tool. */
export const AGENT_TOOLS: ReadonlySet<string> = new Set([...READ_TOOLS, ...WRITE_TOOLS]);

export type ToolName = (typeof READ_TOOLS)[number] | (typeof WRITE_TOOLS)[number];
