import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { auditStep } from '../step-audit.ts';
import type { PipelineDeps } from '../deps.ts';
import { classifySql } from '../../policy/classify.ts';
import { loadSqlParser } from '../../sql/parse-sql.ts';
import { describeDatabaseError } from '../../contracts/errors.ts';
import type { MigrationState } from '../../contracts/migration-state.ts';
import { threadIdOf } from './thread-id.ts';
import { backupKeyProblems } from '../verify-backup-keys.ts';
import { smokeQueryRefusal } from '../../policy/smoke-query.ts';
import { recountAccepted } from '../../policy/blast-radius.ts';

interface CheckFailure {
  check: string;
  problem: string;
}

/**
 * After the commit: the post-conditions. A cleanup must have removed exactly
 * the rows that were approved, and the environment's smoke queries must give
 * their expected answers. A failed check halts the thread as `failed`, names
 * the check, and gives the exact undo command.
 */
export async function verify(state: MigrationState, config: LangGraphRunnableConfig, deps: PipelineDeps): Promise<Partial<MigrationState>> {
  if (state.status !== 'completed' || !state.result || state.result.alreadyDone) return {};
  await loadSqlParser();
  const threadId = threadIdOf(config);
  const environment = state.resolvedEnvironment ?? state.environment;
  const failures: CheckFailure[] = [];

  if (state.cleanup && state.blastRadius) {
    // The DELETE's rows (archive mode also INSERTs them into the archive table first).
    const removed = state.result.statements.reduce((sum, statement) => sum + (statement.kind === 'DeleteStmt' ? (statement.rowCount ?? 0) : 0), 0);
    // What was removed must be what was approved (exactly under 100 rows, within 1% above, within 10% of an estimate),
    // and what execution counted from the DELETE itself.
    const approved = state.blastRadius;
    const counted = state.result.counted ?? removed;
    if (!recountAccepted(approved.rows, removed, approved.estimated) || counted !== removed) {
      failures.push({ check: 'row-count', problem: `${removed} rows were removed, but ${approved.estimated ? 'about ' : ''}${approved.rows} were approved` });
    }
  }

  // The backup holds exactly the rows removed or overwritten: by count and by key, not only the total.
  if (state.result.changes?.length && !state.result.rolledBack) {
    const client = await deps.databases.target.connect();
    try {
      for (const problem of await backupKeyProblems(client, state.result)) failures.push({ check: 'backup-keys', problem });
    } catch (error) {
      failures.push({ check: 'backup-keys', problem: `it could not be checked: ${describeDatabaseError(error)}` });
    } finally {
      client.release();
    }
  }

  // After a rolled-back replay the smoke queries would only see the data as it was before.
  const smokeQueries =
    state.permission && !state.result.rolledBack
      ? (deps.policy.policy.environments[state.permission.policyEnvironment]?.smokeQueries ?? [])
      : [];
  for (const smoke of smokeQueries) {
    const verdict = classifySql(smoke.sql);
    const refusal = smokeQueryRefusal(smoke.sql);
    if (verdict.tier !== 'read' || verdict.statements.length !== 1 || refusal) {
      failures.push({ check: smoke.name, problem: `the smoke query is not one plain read-only SELECT${refusal ? ` (${refusal.message})` : ''}: fix it in the policy file` });
      continue;
    }
    const client = await deps.databases.target.connect();
    try {
      await client.query('BEGIN READ ONLY');
      const { rows, fields } = await client.query(smoke.sql);
      const first = rows[0] && fields[0] ? rows[0][fields[0].name] : undefined;
      if (String(first) !== String(smoke.expect)) {
        failures.push({ check: smoke.name, problem: `expected ${JSON.stringify(smoke.expect)}, got ${JSON.stringify(first ?? null)}` });
      }
    } catch (error) {
      failures.push({ check: smoke.name, problem: `it failed: ${describeDatabaseError(error)}` });
    } finally {
      await client.query('ROLLBACK').catch(() => {});
      client.release();
    }
  }

  const undo = state.result.actionId ? `airlock undo ${state.result.actionId} --as NAME` : undefined;
  const reason = failures.length
    ? `verification failed after the change was committed in ${environment}: ${failures.map((f) => `${f.check}: ${f.problem}`).join('; ')}. ${
        undo ? `To put it back: ${undo}` : 'There is no automatic undo for this change: restore it by hand'
      }`
    : undefined;
  await auditStep(config, deps.databases.state, {
    threadId,
    step: 'verify',
    actor: 'airlock',
    environment,
    outcome: reason ? 'failed' : 'verified',
    message:
      reason ??
      `Verified in ${environment}: ${smokeQueries.length} smoke quer${smokeQueries.length === 1 ? 'y' : 'ies'}${state.cleanup ? ' and the row count' : ''}${
        state.result.changes?.length ? ', and the backup holds exactly the rows changed (by key)' : ''
      } as expected.`,
    detail: { failures, undo: undo ?? null },
    eventKey: `${threadId}:verify:${state.actionHash ?? ''}`,
  });
  return reason ? { status: 'failed', reason } : {};
}
