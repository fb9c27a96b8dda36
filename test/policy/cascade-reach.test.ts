import { beforeAll, describe, expect, it } from 'vitest';
import { cascadeRefusal, cascadeRoots } from '../../src/policy/cascade-reach.ts';
import { loadSqlParser, parseSql } from '../../src/sql/parse-sql.ts';

beforeAll(() => loadSqlParser());

function roots(sql: string) {
  const parsed = parseSql(sql);
  return parsed.ok ? cascadeRoots(parsed.statements[0]!.kind, parsed.statements[0]!.node) : [];
}

describe('what a DROP … CASCADE names, to be looked up in pg_depend', () => {
  it('schemas, types, domains, functions, views and extensions', () => {
    expect(roots('DROP SCHEMA app, b CASCADE')).toEqual([{ catalog: 'pg_namespace', name: ['app'] }, { catalog: 'pg_namespace', name: ['b'] }]);
    expect(roots('DROP TYPE app.mood CASCADE')).toEqual([{ catalog: 'pg_type', name: ['app', 'mood'] }]);
    expect(roots('DROP DOMAIN d CASCADE')).toEqual([{ catalog: 'pg_type', name: ['d'] }]);
    expect(roots('DROP FUNCTION app.f(int) CASCADE')).toEqual([{ catalog: 'pg_proc', name: ['app', 'f'] }]);
    expect(roots('DROP VIEW app.v CASCADE')).toEqual([{ catalog: 'pg_class', name: ['app', 'v'] }]);
    expect(roots('DROP EXTENSION hstore CASCADE')).toEqual([{ catalog: 'pg_extension', name: ['hstore'] }]);
  });
  it('nothing without CASCADE, and nothing for DROP TABLE (it goes to airlock_trash with its dependents)', () => {
    expect(roots('DROP SCHEMA app')).toEqual([]);
    expect(roots('DROP TABLE t CASCADE')).toEqual([]);
  });
  it('tables and columns reached are refused by name (cascade-reaches-data); definitions alone are not', () => {
    expect(cascadeRefusal(1, [{ description: 'table app.people', kind: 'table', table: 'app.people', rows: 5 }, { description: 'view app.v', kind: 'other' }])?.message).toMatch(
      /statement 1's CASCADE would also drop table app\.people \(5 rows\) \(cascade-reaches-data\)/,
    );
    expect(cascadeRefusal(1, [{ description: 'column mood of table app.people', kind: 'column', table: 'app.people' }])?.message).toMatch(/column mood of table app\.people/);
    expect(cascadeRefusal(1, [{ description: 'view app.v', kind: 'other' }, { description: 'function app.f()', kind: 'other' }])).toBeUndefined();
  });
});
