import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import type pg from 'pg';
import { actionHash } from '../../policy/action-identity.ts';
import { capExceeded, describeRadius, percentOf, type BlastRadius, type StatementRadius } from '../../policy/blast-radius.ts';
import { dmlTarget } from '../../policy/dml-target.ts';
import { loadSqlParser, parseSql } from '../../policy/parse-sql.ts';
import { useAirlock } from '../airlock.ts';
import { appendAudit } from '../audit.ts';
import { DEFAULT_COUNT_BUDGET_MS, measureBlastRadius, type Measurement } from '../blast-radius.ts';
import { describeDatabaseError } from '../errors.ts';
import type { MigrationState } from '../migration-state.ts';
import { undoPlan } from '../undo-plan.ts';
import { threadIdOf } from './thread-id.ts';

interface Target extends Measurement {
  /** 1-based statement number in a migration; 1 for a cleanup. */
  statement: number;
  name: string;
}

function quoted(table: string): string {
  return table
    .split('.')
    .map((part) => `"${part.replace(/"/g, '""')}"`)
    .join('.');
}

/** What the dry-run measures: the cleanup's table and filter, or each DELETE/UPDATE of a migration. */
function targetsOf(state: MigrationState): Target[] {
  if (state.cleanup) {
    const table = quoted(state.cleanup.table);
    return [{ statement: 1, name: state.cleanup.table, table, from: table, ref: table, where: state.cleanup.predicate }];
  }
  if (!state.classification || state.classification.tier === 'read') return [];
  const parsed = parseSql(state.sql);
  if (!parsed.ok) return [];
  return parsed.statements.flatMap((statement, index) => {
    const target = dmlTarget(statement);
    return target ? [{ ...target, statement: index + 1, withClause: target.withClause }] : [];
  });
}

/**
 * Measure the real blast radius in a read-only transaction that is always
 * rolled back: rows the action affects, the table's total, the share, a few
 * sample rows, exactly when the count fits the time budget, else EXPLAIN's
 * estimate marked "estimated". Over the environment's cap, the action is
 * blocked before anyone is asked to approve it.
 */
export async function dryRun(state: MigrationState, config: LangGraphRunnableConfig): Promise<Partial<MigrationState>> {
  await loadSqlParser();
  const targets = targetsOf(state);
  if (targets.length === 0) return {};
  const airlock = await useAirlock();
  const threadId = threadIdOf(config);
  const environment = state.resolvedEnvironment ?? state.environment;
  const caps = state.permission ? airlock.policy.policy.environments[state.permission.policyEnvironment]?.blastRadius : undefined;
  const budgetMs = caps?.countBudgetMs ?? DEFAULT_COUNT_BUDGET_MS;
  const client = await airlock.databases.target.connect();
  const started = Date.now();
  const measured: (StatementRadius & { samples: Record<string, unknown>[] })[] = [];
  const unmeasured: string[] = [];
  let problem: string | undefined;
  try {
    await client.query('BEGIN READ ONLY');
    await client.query("SELECT set_config('statement_timeout', $1, true)", [airlock.settings.statementTimeout]);
    for (const target of targets) {
      const outcome = await measureOne(client, target, { budgetMs, statementTimeout: airlock.settings.statementTimeout, environment, state });
      if ('radius' in outcome) measured.push({ statement: target.statement, table: target.name, ...outcome.radius });
      else if (state.cleanup) problem = outcome.problem;
      // A migration's statement may act on a table an earlier statement creates: not measurable beforehand.
      else unmeasured.push(`statement ${target.statement} (${target.name}): ${outcome.problem}`);
    }
  } finally {
    await client.query('ROLLBACK').catch(() => {});
    client.release();
  }

  let radius: BlastRadius | undefined;
  let overCap: string | undefined;
  let restoring = false;
  if (measured.length) {
    const worst = measured.reduce((a, b) => (b.pct > a.pct ? b : a));
    radius = {
      rows: worst.rows,
      table_rows: worst.table_rows,
      pct: worst.pct,
      estimated: worst.estimated,
      samples: worst.samples,
      duration_ms: Date.now() - started,
      table: worst.table,
      ...(state.cleanup ? {} : { statements: measured.map(({ statement, table, rows, table_rows, pct, estimated }) => ({ statement, table, rows, table_rows, pct, estimated })) }),
    };
    // An undo restores what an approved action removed: its size is that action's, not a new blast radius.
    restoring = state.undoOf ? await isUndoOf(state.undoOf, state.sql) : false;
    for (const one of restoring ? [] : measured) {
      const over = capExceeded(one, environment, caps);
      if (over) {
        overCap = state.cleanup ? over : `statement ${one.statement} (${one.table}): ${over}`;
        break;
      }
    }
  }
  const reason = problem ?? overCap;
  const totalRows = measured.reduce((sum, one) => sum + one.rows, 0);
  const where = `${environment} on ${state.target}`;
  await appendAudit(airlock.databases.state, {
    threadId,
    step: 'dry-run',
    actor: state.requestedBy,
    environment,
    outcome: reason ? 'blocked' : 'measured',
    message: reason
      ? `Blocked in ${where}: ${reason}. Nothing was changed.`
      : `Dry-run in ${where} (rolled back): ${measured.map((one) => describeRadius(one)).join('; ')}, in ${Date.now() - started} ms.${
          unmeasured.length ? ` Not measured: ${unmeasured.join('; ')}.` : ''
        }${restoring ? ` Caps not applied: this restores ${state.undoOf} from its unchanged backup.` : ''}`,
    detail: {
      ...(state.cleanup ? { table: state.cleanup.table, predicate: state.cleanup.predicate } : {}),
      ...(radius ? { blastRadius: { ...radius, samples: radius.samples.length } } : {}),
      ...(unmeasured.length ? { unmeasured } : {}),
      ...(overCap ? { rule: 'blast-radius-cap' } : {}),
    },
    eventKey: `${threadId}:dry-run:${state.actionHash ?? ''}:${measured.map((one) => one.rows).join(',') || 'none'}`,
  });
  return {
    ...(radius ? { blastRadius: radius } : {}),
    // The approval is bound to the number of rows measured here.
    ...(radius ? { actionHash: actionHash({ sql: state.sql, environment, target: state.target ?? '', blastRadius: totalRows }) } : {}),
    ...(reason ? { status: 'blocked' as const, reason } : {}),
  };
}

/** Is this SQL exactly what `airlock undo` builds for that action, from backups that are there and unchanged? */
async function isUndoOf(actionId: string, sql: string): Promise<boolean> {
  try {
    return (await undoPlan(actionId)).sql === sql;
  } catch {
    return false;
  }
}

type MeasureOutcome = { radius: Omit<BlastRadius, 'table' | 'statements'> } | { problem: string };

async function measureOne(
  client: pg.PoolClient,
  target: Target,
  options: { budgetMs: number; statementTimeout: string; environment: string; state: MigrationState },
): Promise<MeasureOutcome> {
  const { state } = options;
  await client.query('SAVEPOINT airlock_target');
  try {
    const exists = await client.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [target.table]);
    if (!exists.rows[0]?.found) {
      return { problem: `there is no table ${target.name} in ${state.target}${state.cleanup ? ': check --table (and the schema)' : ''}` };
    }
    const radius = await measureBlastRadius(client, target, {
      budgetMs: options.budgetMs,
      statementTimeout: options.statementTimeout,
      label: `dry-run of ${target.name} in ${options.environment}`,
    });
    // Execution already counted these rows exactly, after an approval of an estimate: use that count.
    const recount = state.recount;
    if (radius.estimated && recount && (recount.statement ?? 1) === target.statement) {
      return { radius: { ...radius, rows: recount.found, pct: percentOf(recount.found, Math.max(radius.table_rows, recount.found)) } };
    }
    return { radius };
  } catch (error) {
    await client.query('ROLLBACK TO SAVEPOINT airlock_target').catch(() => {});
    return { problem: `the dry-run failed: ${describeDatabaseError(error)}${state.cleanup ? '; check --where' : ''}` };
  }
}
