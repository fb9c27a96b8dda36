import { beforeAll, describe, expect, it } from 'vitest';
import { loadSqlParser, parseSql } from '../../src/sql/parse-sql.ts';
import { runnableChecks } from '../../src/policy/runnable-checks.ts';

beforeAll(() => loadSqlParser());

function checks(sql: string) {
  const parsed = parseSql(sql);
  if (!parsed.ok) throw new Error(parsed.error);
  return runnableChecks(parsed.statements).map((check) => (check.check === 'explain' ? `${check.statement}:explain` : `${check.statement}:${check.relation.join('.')}`));
}

describe('what the dry-run checks can run against the target as it is now', () => {
  it.each([
    ['DROP TABLE nosuch', ['1:nosuch']],
    ['DROP TABLE a.b, c', ['1:a.b', '1:c']],
    ['DROP TABLE IF EXISTS nosuch', []],
    ['DROP INDEX app.idx', ['1:app.idx']],
    ['DROP SCHEMA app', []],
    ['DELETE FROM nosuch WHERE id = 1', ['1:explain']],
    ['TRUNCATE a, b.c', ['1:a', '1:b.c']],
    ['ALTER TABLE t ADD COLUMN c int', ['1:t']],
    ['ALTER TABLE IF EXISTS t ADD COLUMN c int', []],
    ['CREATE INDEX i ON t (c)', ['1:t']],
    ['UPDATE t SET c = 1 WHERE id = 2; ALTER TABLE t RENAME TO u; DELETE FROM u', ['1:explain', '2:t']],
    ['CREATE TABLE t (id int); INSERT INTO t VALUES (1)', []],
    ["SET search_path = other; DELETE FROM t WHERE id = 1", []],
    ['DO $$ BEGIN CREATE TABLE t (id int); END $$; DELETE FROM t', []],
    ['SELECT 1', ['1:explain']],
    // The column the UPDATE sets is added by the ALTER before it (airlock undo of a DROP COLUMN).
    ['ALTER TABLE t ADD COLUMN c text; UPDATE t SET c = 1', ['1:t']],
    ["SET lock_timeout = '2s'; DELETE FROM t WHERE id = 1", ['2:explain']],
  ])('%s → %j', (sql, expected) => {
    expect(checks(sql)).toEqual(expected);
  });
});
