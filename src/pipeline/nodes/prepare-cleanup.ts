import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { auditStep } from '../step-audit.ts';
import type { PipelineDeps } from '../deps.ts';
import { planCleanup } from '../../policy/cleanup-request.ts';
import { loadSqlParser } from '../../sql/parse-sql.ts';
import type { CleanupInput, MigrationState } from '../../contracts/migration-state.ts';
import { threadIdOf } from './thread-id.ts';

/** Turn `--table` and `--where` into one checked DELETE; a filter that is not a plain read stops here. */
export async function prepareCleanup(
  state: MigrationState & Partial<CleanupInput>,
  config: LangGraphRunnableConfig,
  deps: PipelineDeps,
): Promise<Partial<MigrationState>> {
  await loadSqlParser();
  const threadId = threadIdOf(config);
  const plan = planCleanup(state.table ?? '', state.predicate ?? '', state.mode ?? 'delete', threadId);
  if (!plan.ok) {
    await auditStep(config, deps.databases.state, {
      threadId,
      step: 'prepare',
      actor: state.requestedBy,
      environment: state.environment,
      outcome: 'blocked',
      message: `Cleanup refused (${state.environment}): ${plan.refusal.message}. Nothing was run.`,
      detail: { table: state.table, predicate: state.predicate },
      eventKey: `${threadId}:prepare`,
    });
    return { sql: '', status: 'blocked', reason: plan.refusal.message, refusalCode: plan.refusal.code };
  }
  const { sql, table, predicate } = plan.value;
  return { sql, cleanup: { table, predicate, mode: state.mode ?? 'delete' } };
}
