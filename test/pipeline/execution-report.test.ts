import { beforeAll, describe, expect, it } from 'vitest';
import { classifySql } from '../../src/policy/classify.ts';
import { loadSqlParser } from '../../src/sql/parse-sql.ts';
import type { MigrationState } from '../../src/contracts/migration-state.ts';
import {
  completedEntry,
  describeStatements,
  failedEntry,
  recountEntry,
  startedEntry,
  unapprovedEntry,
  undoCommandOf,
} from '../../src/pipeline/execute/execution-report.ts';

const KEY = 'idem-1';
let state: MigrationState;

beforeAll(async () => {
  await loadSqlParser();
  state = {
    sql: 'DROP TABLE app.sessions; DELETE FROM app.events WHERE id < 3',
    environment: 'prod',
    resolvedEnvironment: 'production',
    target: 'db.internal:5432/app',
    requestedBy: 'agent:bot',
    classification: classifySql('DROP TABLE app.sessions; DELETE FROM app.events WHERE id < 3'),
    approval: { approvalId: 'apr-1', status: 'approved', decidedBy: 'alice' },
  };
});

describe("the execute step's audit sentences (no database)", () => {
  it('before the effect: who runs what, where, on whose approval', () => {
    expect(startedEntry(state, KEY)).toEqual({
      outcome: 'started',
      message: 'Running 2 statements (destructive) in production on db.internal:5432/app, requested by agent:bot, approved by alice.',
      detail: { requestedBy: 'agent:bot', approvedBy: 'alice', tier: 'destructive', rules: expect.any(Array), idempotencyKey: KEY },
      eventKey: `${KEY}:execute-start`,
    });
  });

  it('without an approval row for this action: refused, and what to do next', () => {
    const { entry, reason } = unapprovedEntry(state, KEY, 'its approval apr-1 is pending, not approved');
    expect(reason).toBe(
      'not run in production: its approval apr-1 is pending, not approved. Nothing was run; submit it again and have a reviewer approve it',
    );
    expect(entry).toMatchObject({ outcome: 'blocked', message: `Refused to run: ${reason}.`, eventKey: `${KEY}:unapproved` });
  });

  it('rows changed since approval: which statement, how many each way, rolled back and asked again', () => {
    expect(recountEntry(state, KEY, { approved: 2, found: 5, statement: 2 })).toEqual({
      outcome: 'changed',
      message:
        'Not run in production on db.internal:5432/app: statement 2: 5 rows match now, but 2 were approved (the data changed since approval). Rolled back; measuring again and asking for a new approval.',
      detail: { approved: 2, found: 5, statement: 2 },
      eventKey: `${KEY}:recount`,
    });
    const estimated = { ...state, blastRadius: { rows: 1000, table_rows: 9000, pct: 11.1, estimated: true, samples: [], duration_ms: 1 } };
    expect(recountEntry(estimated, KEY, { approved: 1000, found: 1500 }).message).toBe(
      'Not run in production on db.internal:5432/app: 1500 rows match now, but about 1000 were approved (the data changed since approval, or the estimate was off). Rolled back; measuring again and asking for a new approval.',
    );
  });

  it('a failed statement is named by its number and kind; everything was rolled back', () => {
    const { entry, reason } = failedEntry(state, KEY, { error: 'relation "app.events" does not exist', failedStatement: 1 });
    expect(reason).toBe(
      'statement 2 of 2 (DeleteStmt) failed: relation "app.events" does not exist. The whole migration was rolled back; nothing changed in production on db.internal:5432/app',
    );
    expect(entry).toMatchObject({ outcome: 'failed', message: `Failed in production on db.internal:5432/app: ${reason}. Fix the SQL and submit it as a new migration.`, detail: { failedStatement: 2 } });
    expect(failedEntry(state, KEY, { error: 'could not serialize access' }).reason).toMatch(/^the transaction failed: could not serialize access\./);
  });

  it('done: what each statement did, what was kept first, and the undo command', () => {
    const result = {
      statements: [
        { kind: 'DropStmt', command: 'DROP', rowCount: null },
        { kind: 'DeleteStmt', command: 'DELETE', rowCount: 2 },
      ],
      backups: [
        { source: 'app.sessions', backup: 'airlock_trash.sessions_1', rows: 40, kind: 'table' as const },
        { source: 'app.events', backup: 'airlock_backup.act_1_s2', rows: 2, kind: 'changed' as const },
      ],
      actionId: 'act_1',
      durationMs: 12,
    };
    expect(describeStatements(result.statements)).toBe('DROP, DELETE 2');
    expect(completedEntry(state, KEY, result)).toEqual({
      outcome: 'completed',
      message:
        'Ran 2 statements in one transaction in production on db.internal:5432/app (DROP, DELETE 2) in 12 ms. Backed up first: app.sessions → airlock_trash.sessions_1 (40 rows), app.events → airlock_backup.act_1_s2 (2 rows). To undo: airlock undo act_1 --as NAME.',
      detail: { statements: result.statements, idempotencyKey: KEY, backups: result.backups, undo: 'airlock undo act_1 --as NAME' },
      eventKey: `${KEY}:execute`,
    });
    expect(completedEntry(state, KEY, { ...result, rolledBack: true }).message).toBe(
      'Ran 2 statements in one transaction in production on db.internal:5432/app (DROP, DELETE 2) in 12 ms, then rolled it back (a replay: nothing was kept). Backed up first: app.sessions → airlock_trash.sessions_1 (40 rows), app.events → airlock_backup.act_1_s2 (2 rows).',
    );
  });

  it('a plain copy is kept but is no undo; an action the ledger already holds is not run again', () => {
    const copied = { statements: [], backups: [{ source: 'app.t', backup: 'airlock_backup.t', rows: 3, kind: 'copy' as const }], actionId: 'act_2', durationMs: 1 };
    expect(undoCommandOf(copied)).toBeUndefined();
    expect(completedEntry(state, KEY, { statements: [], durationMs: 0, alreadyDone: true })).toMatchObject({
      outcome: 'already_done',
      message: `Already done in production on db.internal:5432/app (ledger ${KEY}): not run again.`,
    });
  });
});
