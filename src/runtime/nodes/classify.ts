import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { actionHash } from '../../policy/action-identity.ts';
import { gateFor } from '../../policy/approval-gate.ts';
import { classifySql, summarise } from '../../policy/classify.ts';
import { loadSqlParser } from '../../policy/parse-sql.ts';
import { useAirlock } from '../airlock.ts';
import { appendAudit } from '../audit.ts';
import type { MigrationState } from '../migration-state.ts';
import { threadIdOf } from './thread-id.ts';

/** Parse and tier the SQL, and decide which gate it goes through. Blocks what must never run. */
export async function classify(state: MigrationState, config: LangGraphRunnableConfig): Promise<Partial<MigrationState>> {
  const airlock = await useAirlock();
  await loadSqlParser();
  const threadId = threadIdOf(config);
  const environment = state.environment.trim();
  const target = airlock.databases.targetIdentity;
  const classification = classifySql(state.sql);
  const gate = gateFor(classification.tier, environment);
  const hash = actionHash({ sql: state.sql, environment, target });

  let reason: string | undefined;
  if (!environment) reason = 'no environment given: say where this runs (--env production, staging, development…)';
  else if (classification.error) reason = `${classification.error}: fix the SQL and submit it again`;
  else if (gate.decision === 'block') {
    const rules = classification.statements.filter((s) => s.tier === 'forbidden').flatMap((s) => s.rules);
    reason = `blocked by policy (${rules.join(', ')}): ${gate.reason}`;
  }
  const blocked = reason !== undefined;

  await appendAudit(airlock.databases.state, {
    threadId,
    step: 'classify',
    actor: state.requestedBy,
    environment,
    outcome: blocked ? 'blocked' : classification.tier,
    message: blocked
      ? `Blocked in ${environment || '(no environment)'}: ${reason}`
      : `Classified as ${classification.tier} in ${environment} on ${target}: ${summarise(classification)} — ${gate.reason}`,
    detail: {
      tier: classification.tier,
      gate: gate.decision,
      rules: classification.statements.flatMap((statement) => statement.rules),
      sql: state.sql,
      target,
    },
    eventKey: `${threadId}:classify:${hash}`,
  });

  return {
    threadId,
    environment,
    requestedAt: new Date().toISOString(),
    actionHash: hash,
    target,
    classification,
    gate,
    status: blocked ? 'blocked' : 'running',
    ...(reason ? { reason } : {}),
  };
}
