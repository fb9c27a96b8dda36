import { beforeAll, describe, expect, it } from 'vitest';
import { classifySql, summarise } from '../../src/policy/classify.ts';
import { loadSqlParser } from '../../src/policy/parse-sql.ts';

beforeAll(() => loadSqlParser());

const cases: [sql: string, tier: string, rule?: string][] = [
  ['SELECT * FROM users WHERE id = 1', 'read'],
  ['SELECT count(*) FROM users', 'read'],
  ['EXPLAIN DELETE FROM users', 'read'],
  ['SHOW search_path', 'read'],
  ["SELECT 'DROP TABLE users' AS text", 'read'],
  ['SELECT drop_table FROM t -- DROP TABLE t', 'read'],
  ['SELECT $$ DELETE FROM users $$', 'read'],
  ['INSERT INTO users VALUES (1)', 'write', 'insert'],
  ['UPDATE users SET name = 1 WHERE id = 2', 'write', 'update'],
  ['DELETE FROM sessions WHERE expires_at < now()', 'write', 'delete'],
  ['CREATE TABLE x (id int)', 'write', 'ddl'],
  ['CREATE INDEX i ON users (email)', 'write', 'ddl'],
  ['ALTER TABLE users ADD COLUMN age int', 'write', 'alter-table'],
  ['SELECT * INTO backup FROM users', 'write', 'select-into'],
  ['SELECT * FROM users FOR UPDATE', 'write', 'select-for-update'],
  ['SELECT my_function()', 'write', 'unknown-function'],
  ['DELETE FROM users', 'destructive', 'delete-without-where'],
  ['UPDATE users SET admin = true', 'destructive', 'update-without-where'],
  ['DROP TABLE users', 'destructive', 'ban-drop-table'],
  ['DROP INDEX i', 'destructive', 'drop-index'],
  ['TRUNCATE users', 'destructive', 'ban-truncate'],
  ['ALTER TABLE users DROP COLUMN email', 'destructive', 'ban-drop-column'],
  ['ALTER TABLE users ALTER COLUMN id TYPE bigint', 'destructive', 'changing-column-type'],
  ['ALTER TABLE users RENAME TO people', 'destructive', 'renaming'],
  ['WITH gone AS (DELETE FROM users RETURNING *) SELECT count(*) FROM gone', 'destructive', 'data-modifying-cte:delete-without-where'],
  ['EXPLAIN ANALYZE DELETE FROM users', 'destructive', 'explain-analyze-executes'],
  ['SELECT pg_terminate_backend(pid) FROM pg_stat_activity', 'destructive', 'side-effect-function'],
  ["DO $$ BEGIN EXECUTE 'DROP TABLE users'; END $$", 'destructive', 'dynamic-sql'],
  ['GRANT ALL ON users TO public', 'destructive', 'privilege-change'],
  ['SET ROLE postgres', 'destructive', 'privilege-change'],
  ['MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE', 'destructive', 'merge-delete'],
  ['COMMIT', 'forbidden', 'transaction-control'],
  ['SELECT 1; COMMIT; DROP TABLE users', 'forbidden', 'transaction-control'],
  ['DROP DATABASE prod', 'forbidden', 'ban-drop-database'],
  ["COPY users FROM PROGRAM 'curl evil'", 'forbidden', 'copy-program'],
  ["ALTER SYSTEM SET work_mem = '1GB'", 'forbidden', 'alter-system'],
  ['DELETE FROM airlock.audit WHERE true', 'forbidden', 'airlock-state'],
  ['DROP SCHEMA airlock CASCADE', 'forbidden', 'airlock-state'],
];

describe('classifySql tiers statements from the real parse tree', () => {
  it.each(cases)('%s → %s', (sql, tier, rule) => {
    const verdict = classifySql(sql);
    expect(verdict.error).toBeUndefined();
    expect(verdict.tier).toBe(tier);
    if (rule) expect(verdict.statements.flatMap((s) => s.rules)).toContain(rule);
  });

  it('the text takes the highest tier of its statements, and keeps each statement’s own text (without the comments between them)', () => {
    const verdict = classifySql('SELECT 1;\n/* clean up */ DELETE FROM public.sessions;\nINSERT INTO t VALUES (1)');
    expect(verdict.tier).toBe('destructive');
    expect(verdict.statements.map((s) => [s.kind, s.tier, s.text])).toEqual([
      ['SelectStmt', 'read', 'SELECT 1'],
      ['DeleteStmt', 'destructive', 'DELETE FROM public.sessions'],
      ['InsertStmt', 'write', 'INSERT INTO t VALUES (1)'],
    ]);
  });

  it('names schema-qualified tables, leaves CTE names out, and knows whether a filter is present', () => {
    const verdict = classifySql('WITH recent AS (SELECT * FROM app.orders) DELETE FROM sessions WHERE id IN (SELECT id FROM recent)');
    expect(verdict.statements[0]).toMatchObject({ tables: expect.arrayContaining(['public.sessions', 'app.orders']), filtered: true });
    expect(verdict.statements[0]!.tables).not.toContain('public.recent');
    expect(classifySql('DROP TABLE app.a, b').statements[0]!.tables).toEqual(['app.a', 'public.b']);
  });

  it('splits on byte offsets correctly when the text has non-ASCII characters', () => {
    const verdict = classifySql("SELECT 'café ☕'; DELETE FROM t WHERE name = 'é'");
    expect(verdict.statements.map((s) => s.text)).toEqual(["SELECT 'café ☕'", "DELETE FROM t WHERE name = 'é'"]);
  });

  it('fails closed: text that does not parse is forbidden, with the parser’s message and position', () => {
    const verdict = classifySql('SELECT 1;\nDROP TABEL users');
    expect(verdict.tier).toBe('forbidden');
    expect(verdict.error).toBe('SQL does not parse: syntax error at or near "TABEL" at line 2, column 6');
  });

  it('empty text or comments only is not a statement', () => {
    expect(classifySql(' -- nothing here\n').error).toMatch(/no SQL statement/);
    expect(classifySql(';;').tier).toBe('forbidden');
  });

  it('summarises in one line', () => {
    expect(summarise(classifySql('DROP TABLE t;\n\nSELECT 1;\nSELECT 2'))).toBe('DROP TABLE t (+2 more statements)');
  });
});
