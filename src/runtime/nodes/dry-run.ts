import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { actionHash } from '../../policy/action-identity.ts';
import { capExceeded, percentOf, type BlastRadius } from '../../policy/blast-radius.ts';
import { useAirlock } from '../airlock.ts';
import { appendAudit } from '../audit.ts';
import { describeDatabaseError } from '../errors.ts';
import type { MigrationState } from '../migration-state.ts';
import { threadIdOf } from './thread-id.ts';

const SAMPLE_ROWS = 5;
const SAMPLE_COLUMNS = 6;

/**
 * Measure the real blast radius in a read-only transaction that is always
 * rolled back: rows the action affects, the table's total, the share, a few
 * sample rows. Over the environment's cap, the action is blocked before
 * anyone is asked to approve it.
 */
export async function dryRun(state: MigrationState, config: LangGraphRunnableConfig): Promise<Partial<MigrationState>> {
  if (!state.cleanup) return {};
  const airlock = await useAirlock();
  const threadId = threadIdOf(config);
  const { table, predicate } = state.cleanup;
  const environment = state.resolvedEnvironment ?? state.environment;
  const client = await airlock.databases.target.connect();
  const started = Date.now();
  let radius: BlastRadius | undefined;
  let problem: string | undefined;
  try {
    await client.query('BEGIN READ ONLY');
    await client.query("SELECT set_config('statement_timeout', $1, true)", [airlock.settings.statementTimeout]);
    const exists = await client.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [table]);
    if (!exists.rows[0]?.found) {
      problem = `there is no table ${table} in ${state.target}: check --table (and the schema)`;
    } else {
      const [schema, name] = table.split('.') as [string, string];
      const source = `${client.escapeIdentifier(schema)}.${client.escapeIdentifier(name)}`;
      const counts = await client.query<{ rows: string; table_rows: string }>(
        `SELECT count(*) FILTER (WHERE (${predicate})) AS rows, count(*) AS table_rows FROM ${source}`,
      );
      const samples = await client.query(`SELECT * FROM ${source} WHERE (${predicate}) LIMIT ${SAMPLE_ROWS}`);
      const rows = Number(counts.rows[0]!.rows);
      const tableRows = Number(counts.rows[0]!.table_rows);
      radius = {
        rows,
        table_rows: tableRows,
        pct: percentOf(rows, tableRows),
        estimated: false,
        samples: samples.rows.map((row) => Object.fromEntries(Object.entries(row).slice(0, SAMPLE_COLUMNS))),
        duration_ms: Date.now() - started,
      };
    }
  } catch (error) {
    problem = `the dry-run failed: ${describeDatabaseError(error)}; check --where`;
  } finally {
    await client.query('ROLLBACK').catch(() => {});
    client.release();
  }
  const caps = state.permission ? airlock.policy.policy.environments[state.permission.policyEnvironment]?.blastRadius : undefined;
  const overCap = radius ? capExceeded(radius, environment, caps) : undefined;
  const reason = problem ?? overCap;
  await appendAudit(airlock.databases.state, {
    threadId,
    step: 'dry-run',
    actor: state.requestedBy,
    environment,
    outcome: reason ? 'blocked' : 'measured',
    message: reason
      ? `Blocked in ${environment}: ${reason}. Nothing was changed.`
      : `Dry-run in ${environment}: ${radius!.rows} of ${radius!.table_rows} rows (${radius!.pct}%) in ${table} match, measured in ${radius!.duration_ms} ms (rolled back).`,
    detail: { table, predicate, ...(radius ? { blastRadius: { ...radius, samples: radius.samples.length } } : {}), ...(overCap ? { rule: 'blast-radius-cap' } : {}) },
    eventKey: `${threadId}:dry-run:${state.actionHash ?? ''}:${radius?.rows ?? 'none'}`,
  });
  return {
    ...(radius ? { blastRadius: radius } : {}),
    // The approval is bound to the number of rows measured here.
    ...(radius ? { actionHash: actionHash({ sql: state.sql, environment, target: state.target ?? '', blastRadius: radius.rows }) } : {}),
    ...(reason ? { status: 'blocked' as const, reason } : {}),
  };
}
