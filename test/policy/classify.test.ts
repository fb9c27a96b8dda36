import { beforeAll, describe, expect, it } from 'vitest';
import { classifySql, summarise } from '../../src/policy/classify.ts';
import { loadSqlParser } from '../../src/sql/parse-sql.ts';

beforeAll(() => loadSqlParser());

describe('classifySql', () => {
  it('gives the text the highest tier of its statements, and keeps each statement’s own text (without the comments between them)', () => {
    const verdict = classifySql('SELECT 1;\n/* clean up */ DELETE FROM public.sessions;\nINSERT INTO t VALUES (1)');
    expect(verdict.tier).toBe('destructive');
    expect(verdict.statements.map((s) => [s.kind, s.tier, s.text])).toEqual([
      ['SelectStmt', 'read', 'SELECT 1'],
      ['DeleteStmt', 'destructive', 'DELETE FROM public.sessions'],
      ['InsertStmt', 'write', 'INSERT INTO t VALUES (1)'],
    ]);
  });

  it('names schema-qualified tables, leaves CTE names out, and knows whether a filter filters', () => {
    const verdict = classifySql('WITH recent AS (SELECT * FROM app.orders) DELETE FROM sessions WHERE id IN (SELECT id FROM recent)');
    expect(verdict.statements[0]).toMatchObject({ tables: expect.arrayContaining(['public.sessions', 'app.orders']), filtered: true });
    expect(verdict.statements[0]!.tables).not.toContain('public.recent');
    expect(classifySql('DROP TABLE app.a, b').statements[0]!.tables).toEqual(['app.a', 'public.b']);
    expect(classifySql('DELETE FROM t WHERE 1 = 1').statements[0]!.filtered).toBe(false);
    expect(classifySql('UPDATE t SET a = 1').statements[0]!.filtered).toBe(false);
  });

  it.each([
    ['SELECT * FROM t', 'ACCESS SHARE'],
    ['SELECT * FROM t FOR UPDATE', 'ROW SHARE'],
    ['DELETE FROM t WHERE id = 1', 'ROW EXCLUSIVE'],
    ['CREATE INDEX CONCURRENTLY i ON t (a)', 'SHARE UPDATE EXCLUSIVE'],
    ['CREATE INDEX i ON t (a)', 'SHARE'],
    ['ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES u (id)', 'SHARE ROW EXCLUSIVE'],
    ['ALTER TABLE t VALIDATE CONSTRAINT c', 'SHARE UPDATE EXCLUSIVE'],
    ['ALTER TABLE t ADD COLUMN c int', 'ACCESS EXCLUSIVE'],
    ['DROP TABLE t', 'ACCESS EXCLUSIVE'],
    ['TRUNCATE t', 'ACCESS EXCLUSIVE'],
    ['VACUUM t', 'SHARE UPDATE EXCLUSIVE'],
    ['VACUUM FULL t', 'ACCESS EXCLUSIVE'],
    ['REFRESH MATERIALIZED VIEW CONCURRENTLY mv', 'EXCLUSIVE'],
    ['LOCK TABLE t IN SHARE MODE', 'SHARE'],
    ['EXPLAIN DELETE FROM t', 'ACCESS SHARE'],
    ['EXPLAIN ANALYZE DELETE FROM t', 'ROW EXCLUSIVE'],
    ["DO $$ BEGIN EXECUTE 'TRUNCATE t'; END $$", 'ACCESS EXCLUSIVE'],
    ['GRANT SELECT ON t TO x', null],
    ['CREATE TABLE n (id int)', null],
  ])('%s takes %s', (sql, lock) => {
    expect(classifySql(sql).statements[0]!.lock).toBe(lock);
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

  it('explains each finding with the rule’s message and what fired', () => {
    const [statement] = classifySql('SELECT pg_terminate_backend(pid) FROM pg_stat_activity').statements;
    expect(statement!.findings).toContainEqual(expect.objectContaining({ rule: 'side-effect-function', tier: 'destructive', detail: 'pg_terminate_backend()' }));
  });

  it('summarises in one line', () => {
    expect(summarise(classifySql('DROP TABLE t;\n\nSELECT 1;\nSELECT 2'))).toBe('DROP TABLE t (+2 more statements)');
  });
});
