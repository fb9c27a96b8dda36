import { createHash } from 'node:crypto';
import { auditStep } from '../step-audit.ts';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import type { PipelineDeps } from '../deps.ts';
import { summarise } from '../../policy/classify.ts';
import { loadSqlParser } from '../../sql/parse-sql.ts';
import { classifyInTarget } from '../target-lookup.ts';
import type { MigrationState } from '../../contracts/migration-state.ts';
import { threadIdOf } from './thread-id.ts';

/**
 * Parse and tier the SQL with the policy engine, with the names it uses looked
 * up in the target (functions judged by their bodies, replaced definitions,
 * search_path). Text that does not parse stops here (fail closed).
 */
export async function classify(state: MigrationState, config: LangGraphRunnableConfig, deps: PipelineDeps): Promise<Partial<MigrationState>> {
  await loadSqlParser();
  const threadId = threadIdOf(config);
  const classification = await classifyInTarget(deps.databases.target, state.sql, deps.databases.targetIdentity);
  const rules = [...new Set(classification.statements.flatMap((statement) => statement.rules))];
  const reason = classification.error ? `${classification.error}: fix the SQL and submit it again` : undefined;

  await auditStep(config, deps.databases.state, {
    threadId,
    step: 'classify',
    actor: state.requestedBy,
    environment: state.environment,
    outcome: reason ? 'blocked' : classification.tier,
    message: reason
      ? `Blocked (${state.environment}): ${reason}`
      : `Classified as ${classification.tier}: ${summarise(classification)}${rules.length ? ` — rules: ${rules.join(', ')}` : ''}`,
    detail: {
      tier: classification.tier,
      rules,
      statements: classification.statements.map(({ kind, tier, tables, lock, rules: fired }) => ({ kind, tier, tables, lock, rules: fired })),
      sql: state.sql,
    },
    // Per SQL text: after an edit, the new SQL is classified (and audited) again.
    eventKey: `${threadId}:classify:${createHash('sha256').update(state.sql).digest('hex').slice(0, 16)}`,
  });

  return {
    threadId,
    requestedAt: deps.clock().toISOString(),
    classification,
    status: reason ? 'blocked' : 'running',
    ...(reason ? { reason, refusalCode: classification.errorCode ?? 'classify' } : {}),
  };
}
