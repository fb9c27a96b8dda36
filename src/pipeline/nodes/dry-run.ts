import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { auditStep } from '../step-audit.ts';
import type { PipelineDeps } from '../deps.ts';
import type pg from 'pg';
import { actionHash } from '../../policy/action-identity.ts';
import { describeRadius, percentOf } from '../../policy/blast-radius.ts';
import { judgeCaps } from '../../policy/cap-judgement.ts';
import { cascadeRefusal, cascadeRoots, type CascadeRoot } from '../../policy/cascade-reach.ts';
import { reachOfCascade } from '../cascade-reach.ts';
import { planCleanup } from '../../policy/cleanup-request.ts';
import { permit as decidePermit } from '../../policy/permit.ts';
import { changesRows, isUpsert, rowChangeOf, upsertSourceSql, type RangeVar } from '../../policy/row-change.ts';
import { gatherFacts } from '../../sql/tree-facts.ts';
import { captureSql } from '../../policy/effect-capture.ts';
import { routineBody } from '../../policy/routine-body.ts';
import { loadSqlParser, parseSql } from '../../sql/parse-sql.ts';
import { DEFAULT_COUNT_BUDGET_MS, measureBlastRadius } from '../blast-radius.ts';
import { describeDatabaseError } from '../../contracts/errors.ts';
import type { MigrationState } from '../../contracts/migration-state.ts';
import { refuseWhatCannotRun } from '../runnable-trial.ts';
import { undoPlan } from '../undo-plan.ts';
import { threadIdOf } from './thread-id.ts';
import { relationName as qualifiedOf } from '../../sql/names.ts';
import type { BlastRadius, StatementRadius } from '../../contracts/blast-radius.ts';

interface Target {
  /** 1-based statement number in a migration; 1 for a cleanup. */
  statement: number;
  name: string;
  kind: string;
  node: Record<string, unknown>;
  /** Known beforehand not to be measurable, and why. */
  problem?: string;
  /** The table is created by an earlier statement of the same migration: no rows exist before it runs. */
  createdHere?: boolean;
}


/**
 * What the dry-run measures: the cleanup's DELETE, or each statement of a
 * migration that changes existing rows (DELETE, UPDATE, MERGE, INSERT … ON
 * CONFLICT DO UPDATE), and any statement that changes rows from inside a WITH
 * clause, which cannot be measured read-only.
 */
function targetsOf(state: MigrationState, threadId: string): Target[] {
  if (state.cleanup) {
    const plan = planCleanup(state.cleanup.table, state.cleanup.predicate, state.cleanup.mode, threadId);
    if (!plan.ok) return [{ statement: 1, name: state.cleanup.table, kind: 'DeleteStmt', node: {}, problem: plan.refusal.message }];
    return [{ statement: 1, name: state.cleanup.table, kind: plan.value.statement.kind, node: plan.value.statement.node }];
  }
  if (!state.classification || state.classification.tier === 'read') return [];
  const parsed = parseSql(state.sql);
  if (!parsed.ok) return [];
  const created = new Set<string>();
  const targets: Target[] = [];
  for (const [index, statement] of parsed.statements.entries()) {
    const { kind, node } = statement;
    if (kind === 'CreateStmt' || kind === 'CreateTableAsStmt') {
      const relation = (kind === 'CreateStmt' ? node.relation : (node.into as { rel?: RangeVar } | undefined)?.rel) as RangeVar | undefined;
      created.add(qualifiedOf(relation));
    }
    const relation = node.relation as RangeVar | undefined;
    if (changesRows(kind, node)) {
      targets.push({ statement: index + 1, name: relation?.relname ? `${relation.schemaname ? `${relation.schemaname}.` : ''}${relation.relname}` : '?', kind, node, createdHere: created.has(qualifiedOf(relation)) });
    } else if (kind === 'DoStmt') {
      const problem = doBlockProblem(node, statement.text);
      if (problem) targets.push({ statement: index + 1, name: 'DO block', kind, node, problem });
    } else if (gatherFacts(node).nestedDml.some((nested) => changesRows(nested.kind, nested.node))) {
      targets.push({
        statement: index + 1,
        name: kind,
        kind,
        node,
        problem: 'it changes rows from inside a WITH clause, which a read-only dry-run cannot measure: write the DELETE/UPDATE/MERGE as a statement of its own',
      });
    }
  }
  return targets;
}

/** The DROP … CASCADE statements of a migration, with the objects they name. */
function cascadesOf(state: MigrationState): { statement: number; roots: CascadeRoot[] }[] {
  if (state.cleanup || !state.classification) return [];
  const parsed = parseSql(state.sql);
  if (!parsed.ok) return [];
  return parsed.statements.flatMap((statement, index) => {
    const roots = cascadeRoots(statement.kind, statement.node);
    return roots.length ? [{ statement: index + 1, roots }] : [];
  });
}

/** A DO block that changes rows (or runs SQL nobody can read beforehand) cannot be measured or backed up: why. */
function doBlockProblem(node: Record<string, unknown>, text: string): string | undefined {
  const body = routineBody('DoStmt', node, text);
  if (!body) return undefined;
  if (body.error || body.dynamic.length) return 'its DO block runs SQL that cannot be read before it runs, so its rows cannot be counted: write the statements out';
  const inner = [
    ...(body.trees ?? []).map((tree) => Object.entries(tree)[0] as [string, Record<string, unknown>]),
    ...body.statements.flatMap((sql) => {
      const parsed = parseSql(sql);
      return parsed.ok ? parsed.statements.map((one) => [one.kind, one.node] as [string, Record<string, unknown>]) : [];
    }),
  ];
  const changing = inner.find(([kind, tree]) => changesRows(kind, tree) || gatherFacts(tree).nestedDml.some((nested) => changesRows(nested.kind, nested.node)));
  return changing
    ? `its DO block changes rows (${changing[0].replace(/Stmt$/, '').toUpperCase()}) inside PL/pgSQL, which the dry-run cannot count and execution cannot back up: write the DELETE/UPDATE/MERGE out as statements of the migration`
    : undefined;
}

// SQLSTATEs the advice depends on: the error's code, never its words.
const READ_ONLY_SQL_TRANSACTION = '25006';
const QUERY_CANCELED = '57014';

/** Why the dry-run could not measure (by the database error's SQLSTATE, when it was one), and what to write instead. */
function adviceFor(sqlstate: string | undefined): string {
  if (sqlstate === READ_ONLY_SQL_TRANSACTION) {
    return 'the statement calls something that writes (nextval(), a volatile function) even to be counted: compute that value first and write it as a constant';
  }
  if (sqlstate === QUERY_CANCELED) return 'the count did not finish in time: narrow the filter, or index the columns it uses';
  return 'write it as a plain DELETE/UPDATE with a filter Airlock can count';
}

/**
 * Measure the real blast radius in a read-only transaction that is always
 * rolled back: rows the action affects, the table's total, the share, a few
 * sample rows, exactly when the count fits the time budget, else EXPLAIN's
 * estimate marked "estimated". Over the environment's cap, the action is
 * blocked before anyone is asked to approve it.
 */
export async function dryRun(state: MigrationState, config: LangGraphRunnableConfig, deps: PipelineDeps): Promise<Partial<MigrationState>> {
  await loadSqlParser();
  const threadId = threadIdOf(config);
  // What cannot run against the target as it is now is refused before anything is measured or asked.
  const cannotRun = await refuseWhatCannotRun(state, threadId, deps);
  if (cannotRun) return cannotRun;
  const targets = targetsOf(state, threadId);
  const cascades = cascadesOf(state);
  if (targets.length === 0 && cascades.length === 0) return {};
  const environment = state.resolvedEnvironment ?? state.environment;
  const caps = state.permission ? deps.policy.policy.environments[state.permission.policyEnvironment]?.blastRadius : undefined;
  const budgetMs = caps?.countBudgetMs ?? DEFAULT_COUNT_BUDGET_MS;
  const client = await deps.databases.target.connect();
  const started = Date.now();
  const measured: (StatementRadius & { samples: Record<string, unknown>[] })[] = [];
  const unmeasured: string[] = [];
  const failed: { statement: number; table: string; problem: string; sqlstate?: string }[] = [];
  const cascade: { statement: number; objects: string[] }[] = [];
  let cascadeRefused: string | undefined;
  let problem: string | undefined;
  try {
    await client.query('BEGIN READ ONLY');
    await client.query("SELECT set_config('statement_timeout', $1, true)", [deps.settings.statementTimeout]);
    for (const { statement, roots } of cascades) {
      await client.query('SAVEPOINT airlock_cascade');
      try {
        const objects = await reachOfCascade(client, roots);
        cascadeRefused ??= cascadeRefusal(statement, objects)?.message;
        if (objects.length) cascade.push({ statement, objects: objects.map((object) => object.description) });
      } catch (error) {
        await client.query('ROLLBACK TO SAVEPOINT airlock_cascade').catch(() => {});
        cascadeRefused ??= `statement ${statement}'s CASCADE could not be enumerated from the catalogue (${describeDatabaseError(error)}): name each object to drop instead of CASCADE`;
      }
    }
    for (const target of targets) {
      if (target.createdHere) {
        // Acts on a table an earlier statement creates: it holds no rows before the migration runs.
        unmeasured.push(`statement ${target.statement} (${target.name}): the migration creates this table, so no existing rows can be lost`);
        continue;
      }
      const outcome = target.problem
        ? { problem: target.problem }
        : await measureOne(client, target, { budgetMs, statementTimeout: deps.settings.statementTimeout, environment, state });
      if ('radius' in outcome) measured.push({ statement: target.statement, table: target.name, ...outcome.radius });
      else if (state.cleanup) problem = outcome.problem;
      else failed.push({ statement: target.statement, table: target.name, problem: outcome.problem, ...('sqlstate' in outcome && outcome.sqlstate ? { sqlstate: outcome.sqlstate } : {}) });
    }
  } finally {
    await client.query('ROLLBACK').catch(() => {});
    client.release();
  }

  let radius: BlastRadius | undefined;
  let overCap: string | undefined;
  let destructive: string | undefined;
  // An undo restores what an approved action removed: its size is that action's, not a new blast radius.
  const restoring = state.undoOf ? await isUndoOf(state.undoOf, state.sql, deps.databases.target) : false;
  const capsApply = !restoring && caps !== undefined && (caps.maxRows !== undefined || caps.maxPercent !== undefined);
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
      ...(worst.arms ? { arms: worst.arms } : {}),
      ...(state.cleanup
        ? {}
        : {
            statements: measured.map(({ statement, table, rows, table_rows, pct, estimated, arms }) => ({
              statement,
              table,
              rows,
              table_rows,
              pct,
              estimated,
              ...(arms ? { arms } : {}),
            })),
          }),
    };
    for (const one of restoring ? [] : measured) {
      const verdict = judgeCaps(one, environment, caps);
      const where = state.cleanup ? '' : `statement ${one.statement} (${one.table}): `;
      if (!verdict.ok) {
        overCap = `${where}${verdict.refusal.message}`;
        break;
      }
      if (verdict.value.escalation) destructive ??= `${where}${verdict.value.escalation}`;
    }
  }
  // Unmeasurable is not measured-as-fine: where caps apply, what cannot be measured does not run.
  const unmeasurable =
    failed.length && capsApply
      ? `${failed
          .map((one) => `statement ${one.statement} (${one.table}) could not be measured (blast-radius-unmeasured): ${one.problem}; ${adviceFor(one.sqlstate)}`)
          .join('; ')}. Where caps apply, Airlock does not run what it cannot measure`
      : undefined;
  for (const one of capsApply ? [] : failed) unmeasured.push(`statement ${one.statement} (${one.table}): ${one.problem}`);
  // Over the percentage cap on a small table: the destructive tier's approval (its token, its roles), or its block.
  let permission = state.permission;
  let escalated: string | undefined;
  let destructiveBlocked = false;
  if (destructive && !overCap && !unmeasurable && permission && state.classification?.tier !== 'destructive') {
    const needed = decidePermit({ tier: 'destructive', environment, requester: state.requestedBy, tool: 'migrate' }, deps.policy.policy);
    if (needed.decision === 'block') {
      overCap = `${destructive}, and destructive actions are blocked in ${environment}`;
      destructiveBlocked = true;
    }
    else if (needed.decision === 'approve') {
      permission = { ...needed, reason: `${destructive}: ${needed.reason}` };
      escalated = destructive;
    }
  }
  const reason = problem ?? cascadeRefused ?? unmeasurable ?? overCap;
  // The check that refused, by name (the same names the audit entry's detail gives).
  const refusalCode = problem
    ? 'dry-run'
    : cascadeRefused
      ? 'cascade-reaches-data'
      : unmeasurable
        ? 'blast-radius-unmeasured'
        : overCap
          ? destructiveBlocked ? 'small-table-floor' : 'blast-radius-cap'
          : undefined;
  const totalRows = measured.reduce((sum, one) => sum + one.rows, 0);
  const where = `${environment} on ${state.target}`;
  await auditStep(config, deps.databases.state, {
    threadId,
    step: 'dry-run',
    actor: state.requestedBy,
    environment,
    outcome: reason ? 'blocked' : 'measured',
    message: reason
      ? `Blocked in ${where}: ${reason}. Nothing was changed.`
      : `Dry-run in ${where} (rolled back): ${
          measured.length ? measured.map((one) => describeRadius(one)).join('; ') : 'no rows measured'
        }, in ${Date.now() - started} ms.${
          unmeasured.length ? ` Not measured: ${unmeasured.join('; ')}.` : ''
        }${cascade.length ? ` CASCADE reaches: ${cascade.map((one) => `statement ${one.statement}: ${one.objects.join(', ')}`).join('; ')}.` : ''}${restoring ? ` Caps not applied: this restores ${state.undoOf} from its unchanged backup.` : ''}${
          escalated ? ` ${escalated}.` : ''
        }`,
    detail: {
      ...(state.cleanup ? { table: state.cleanup.table, predicate: state.cleanup.predicate } : {}),
      ...(radius ? { blastRadius: { ...radius, samples: radius.samples.length } } : {}),
      ...(unmeasured.length ? { unmeasured } : {}),
      ...(cascade.length ? { cascade } : {}),
      ...(cascadeRefused ? { rule: 'cascade-reaches-data' } : {}),
      ...(unmeasurable
        ? { rule: 'blast-radius-unmeasured', failed: failed.map(({ sqlstate: _sqlstate, ...one }) => one) }
        : overCap
          ? { rule: 'blast-radius-cap' }
          : {}),
      ...(escalated ? { rule: 'small-table-floor', escalated } : {}),
    },
    eventKey: `${threadId}:dry-run:${state.actionHash ?? ''}:${measured.map((one) => one.rows).join(',') || 'none'}`,
  });
  return {
    ...(radius ? { blastRadius: radius } : {}),
    // The approval is bound to the number of rows measured here.
    ...(radius ? { actionHash: actionHash({ sql: state.sql, environment, target: state.target ?? '', blastRadius: totalRows }) } : {}),
    ...(escalated && permission ? { permission } : {}),
    ...(cascade.length ? { cascade } : {}),
    ...(reason ? { status: 'blocked' as const, reason, refusalCode } : {}),
  };
}

/** Is this SQL exactly what `airlock undo` builds for that action, from backups that are there and unchanged? */
async function isUndoOf(actionId: string, sql: string, target: pg.Pool): Promise<boolean> {
  try {
    return (await undoPlan(actionId, target)).sql === sql;
  } catch {
    return false;
  }
}

type MeasureOutcome = { radius: Omit<BlastRadius, 'table' | 'statements'> } | { problem: string; sqlstate?: string };

async function measureOne(
  client: pg.PoolClient,
  target: Target,
  options: { budgetMs: number; statementTimeout: string; environment: string; state: MigrationState },
): Promise<MeasureOutcome> {
  const { state } = options;
  await client.query('SAVEPOINT airlock_target');
  try {
    const relation = target.node.relation as RangeVar;
    const tableSql = `${relation.schemaname ? `${client.escapeIdentifier(relation.schemaname)}.` : ''}${client.escapeIdentifier(relation.relname ?? '')}`;
    const exists = await client.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [tableSql]);
    if (!exists.rows[0]?.found) {
      return { problem: `there is no table ${target.name} in ${state.target}${state.cleanup ? ': check --table (and the schema)' : ''}` };
    }
    const columns = isUpsert(target.kind, target.node) ? await upsertColumns(client, tableSql, target.node) : undefined;
    const change = rowChangeOf({ kind: target.kind, node: target.node }, columns);
    if (!change) return { problem: 'it changes no existing rows' };
    if (!change.ok) return { problem: change.refusal.message };
    // Execution runs it as one statement that also keeps what it changes, rebuilt from the tree: that must be possible.
    try {
      captureSql({ kind: target.kind, node: target.node }, { backup: 'airlock_backup.airlock_probe', shape: state.cleanup ? 'rows' : 'changed' });
    } catch (error) {
      return { problem: `${(error as Error).message} (it could not be kept for undo as written): write the change in a plainer form` };
    }
    const radius = await measureBlastRadius(client, change.value, {
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
    const sqlstate = (error as { code?: unknown }).code;
    return {
      problem: `the dry-run failed: ${describeDatabaseError(error)}${state.cleanup ? '; check --where' : ''}`,
      ...(typeof sqlstate === 'string' ? { sqlstate } : {}),
    };
  }
}

/** The columns an upsert's proposed rows fill, when it does not name them: the table's first N, in order. */
async function upsertColumns(client: pg.PoolClient, tableSql: string, node: Record<string, unknown>): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT attname AS name FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [tableSql],
  );
  const proposed = await client.query(upsertSourceSql(node));
  return rows.map((row) => row.name).slice(0, proposed.fields.length);
}
