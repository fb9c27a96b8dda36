import type pg from 'pg';
import { statementSql } from '../sql/deparse.ts';
import { parseSql } from '../sql/parse-sql.ts';
import { runnableChecks, type RunnableCheck } from '../policy/runnable-checks.ts';
import { appendAudit } from '../store/audit.ts';
import { describeDatabaseError } from '../contracts/errors.ts';
import type { MigrationState } from '../contracts/migration-state.ts';
import type { PipelineDeps } from './deps.ts';
import { quoteQualified } from '../sql/names.ts';

export interface CannotRun {
  statement: number;
  kind: string;
  /** Postgres's own message. */
  problem: string;
}

/**
 * Run the checks in the dry-run's read-only transaction (each under a
 * savepoint, so one failure does not hide the next): plain EXPLAIN, which
 * plans without running, and relation lookups. Returns the first statement
 * that cannot run as the target is now, with Postgres's message.
 */
export async function firstThatCannotRun(client: pg.PoolClient, checks: RunnableCheck[]): Promise<CannotRun | undefined> {
  for (const check of checks) {
    await client.query('SAVEPOINT airlock_runnable');
    try {
      if (check.check === 'explain') {
        // Built from the tree, never by prefixing the user's text.
        await client.query(statementSql({ ExplainStmt: { query: check.node, options: [] } }));
      } else {
        await client.query('SELECT $1::regclass', [quoteQualified(check.relation)]);
      }
      await client.query('RELEASE SAVEPOINT airlock_runnable');
    } catch (error) {
      await client.query('ROLLBACK TO SAVEPOINT airlock_runnable').catch(() => {});
      const code = (error as { code?: string }).code;
      // Only what the target's current state says is wrong; a deparse Airlock cannot do is not the author's mistake.
      if (!code) continue;
      return { statement: check.statement, kind: check.kind, problem: describeDatabaseError(error) };
    }
  }
  return undefined;
}

/**
 * The dry-run's first question: can this run against the target as it is
 * now? A statement that cannot (a missing table or column, a type error) is
 * refused before anyone is asked (rule `cannot-run`, exit 4), with Postgres's
 * own message, and audited; undefined when every check passes.
 */
export async function refuseWhatCannotRun(
  state: MigrationState,
  threadId: string,
  deps: PipelineDeps,
): Promise<Pick<MigrationState, 'status' | 'reason' | 'refusalCode'> | undefined> {
  if (state.cleanup || !state.classification || state.classification.error) return undefined;
  const parsed = parseSql(state.sql);
  if (!parsed.ok) return undefined;
  const checks = runnableChecks(parsed.statements);
  if (checks.length === 0) return undefined;
  const environment = state.resolvedEnvironment ?? state.environment;
  const client = await deps.databases.target.connect();
  let cannot: CannotRun | undefined;
  try {
    await client.query('BEGIN READ ONLY');
    await client.query("SELECT set_config('statement_timeout', $1, true)", [deps.settings.statementTimeout]);
    cannot = await firstThatCannotRun(client, checks);
  } finally {
    await client.query('ROLLBACK').catch(() => {});
    client.release();
  }
  if (!cannot) return undefined;
  const reason = `statement ${cannot.statement} (${cannot.kind}) cannot run against ${environment} as it is now: ${cannot.problem} (Postgres, from a plan made without running it). Nothing was run and nobody was asked: fix the SQL and submit it again (cannot-run)`;
  await appendAudit(deps.databases.state, {
    threadId,
    step: 'dry-run',
    actor: state.requestedBy,
    environment,
    outcome: 'blocked',
    message: `Blocked in ${environment} on ${state.target}: ${reason}.`,
    detail: { rule: 'cannot-run', statement: cannot.statement, problem: cannot.problem },
    eventKey: `${threadId}:dry-run:${state.actionHash ?? ''}:cannot-run`,
  });
  return { status: 'blocked', reason, refusalCode: 'cannot-run' };
}
