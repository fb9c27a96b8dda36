import { beforeAll, describe, expect, it } from 'vitest';
import { droppedColumns, dropsTables, tablesToBackUp, undoPathFor } from '../../src/policy/backup-plan.ts';
import { classifySql } from '../../src/policy/classify.ts';
import { loadSqlParser, parseSql } from '../../src/sql/parse-sql.ts';

beforeAll(() => loadSqlParser());

function plan(sql: string, cleanup?: { table: string; mode: 'delete' | 'archive' }) {
  const parsed = parseSql(sql);
  const nodes = parsed.ok ? parsed.statements.map((statement) => statement.node) : [];
  return undoPathFor(classifySql(sql).statements, nodes, cleanup, 'act_0123456789ab');
}

describe('what is kept before an action runs, and how to undo it', () => {
  it('a cleanup keeps its rows; archive mode says where they go', () => {
    expect(plan('DELETE FROM public.s WHERE (id < 5);', { table: 'public.s', mode: 'delete' })).toBe(
      'the rows are kept in airlock_backup.act_0123456789ab; undo: airlock undo act_0123456789ab --as NAME',
    );
    expect(plan('DELETE FROM public.s WHERE (id < 5);', { table: 'public.s', mode: 'archive' })).toMatch(/moved to public.s_archive; undo: airlock undo/);
  });

  it('DROP TABLE goes to the trash', () => {
    expect(plan('DROP TABLE app.users')).toBe('app.users moved to airlock_trash instead of dropped; undo: airlock undo act_0123456789ab --as NAME');
  });

  it('DROP COLUMN keeps the values by primary key', () => {
    expect(plan('ALTER TABLE app.users DROP COLUMN notes')).toMatch(/^app.users.notes kept with the primary key in airlock_backup .*; undo: airlock undo/);
  });

  it('other destructive statements: a whole-table copy, restored by hand (no undo command)', () => {
    expect(plan('TRUNCATE app.events')).toBe('app.events copied into schema airlock (restore by hand)');
    expect(plan('ALTER TABLE app.users DROP COLUMN notes, ALTER COLUMN email TYPE varchar(10)')).toBe('app.users copied into schema airlock (restore by hand)');
  });

  it('a mix names each, and offers undo for what undo can restore', () => {
    expect(plan('TRUNCATE app.events; DROP TABLE app.old')).toBe(
      'app.events copied into schema airlock (restore by hand); app.old moved to airlock_trash instead of dropped; undo: airlock undo act_0123456789ab --as NAME',
    );
  });

  it('nothing destructive: nothing to say', () => {
    expect(plan('SELECT 1')).toBeUndefined();
    expect(plan('CREATE TABLE app.t (id int)')).toBeUndefined();
  });

  it('a DELETE, UPDATE or MERGE at any tier keeps the rows it changes, from its own RETURNING, and can be undone', () => {
    // Issue 14, hole 7: a filtered UPDATE was "nothing destructive" and kept nothing.
    expect(plan('UPDATE app.users SET email = lower(email) WHERE id = 1')).toBe(
      "the rows statement 1 deletes or overwrites in app.users kept in airlock_backup.act_0123456789ab_s1, from the statement's own RETURNING; undo: airlock undo act_0123456789ab --as NAME",
    );
    expect(plan('SELECT 1; MERGE INTO app.t USING app.s ON t.id = s.id WHEN MATCHED THEN DELETE')).toMatch(/statement 2 deletes or overwrites in app.t kept in airlock_backup.act_0123456789ab_s2/);
  });

  it('the helpers: dropped columns, DROP TABLE, tables to copy', () => {
    const sql = 'ALTER TABLE app.users DROP COLUMN a, DROP COLUMN IF EXISTS b';
    const parsed = parseSql(sql);
    expect(parsed.ok && droppedColumns(classifySql(sql).statements[0]!, parsed.statements[0]!.node)).toEqual([
      { table: 'app.users', column: 'a' },
      { table: 'app.users', column: 'b' },
    ]);
    expect(dropsTables(classifySql('DROP TABLE t').statements[0]!)).toBe(true);
    expect(dropsTables(classifySql('DROP VIEW v').statements[0]!)).toBe(false);
    expect(tablesToBackUp(classifySql('TRUNCATE a, b; SELECT 1; UPDATE c SET x = 1 WHERE id = 2').statements).sort()).toEqual(['public.a', 'public.b']);
  });
});
