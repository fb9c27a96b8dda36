import { beforeAll, describe, expect, it } from 'vitest';
import { loadSqlParser, parseSql } from '../../src/sql/parse-sql.ts';
import { changesRows, rowChangeOf } from '../../src/policy/row-change.ts';

beforeAll(() => loadSqlParser());

function change(sql: string, columns?: string[]) {
  const parsed = parseSql(sql);
  if (!parsed.ok) throw new Error(parsed.error);
  return rowChangeOf(parsed.statements[0]!, columns);
}

describe('the queries that measure a row change are built from the parse tree', () => {
  it('a trailing line comment is not part of any measuring query (hole 5)', () => {
    const outcome = change('DELETE FROM users WHERE id > 0 -- stale rows');
    expect(outcome).toMatchObject({ ok: true });
    const arm = outcome!.ok ? outcome!.value.arms[0]! : undefined;
    expect(arm?.count).not.toContain('--');
    expect(arm?.count).not.toContain('stale');
    expect(arm?.count).toBe('SELECT count(*) AS rows\nFROM ( SELECT 1\nFROM users\nWHERE\n  id > 0 ) AS airlock_matching');
  });

  it('a plain DELETE or UPDATE is measured in one scan: count(*) FILTER (WHERE …) beside the total, comment left out', () => {
    const outcome = change('DELETE FROM app.users AS u WHERE u.last_seen < now() - interval \'1 year\' -- stale');
    const oneScan = outcome!.ok ? outcome!.value.oneScan : undefined;
    expect(oneScan).toBe("SELECT\n  count(*) FILTER (WHERE u.last_seen < (now() - '1 year'::interval)) AS rows,\n  count(*) AS table_rows\nFROM app.users AS u");
    expect(oneScan).not.toContain('stale');
    // ONLY stays ONLY; without a filter every row is changed; a WITH clause the filter reads comes along.
    const only = change('DELETE FROM ONLY parent');
    expect(only!.ok && only!.value.oneScan).toBe('SELECT\n  count(*) AS rows,\n  count(*) AS table_rows\nFROM ONLY parent');
    const withCte = change('WITH old AS (SELECT id FROM s) UPDATE t SET v = 0 WHERE id IN (SELECT id FROM old)');
    expect(withCte!.ok && withCte!.value.oneScan).toBe(
      'WITH \n  old AS (SELECT id\n  FROM s)\nSELECT\n  count(*) FILTER (WHERE id IN (SELECT id\n  FROM old)) AS rows,\n  count(*) AS table_rows\nFROM t',
    );
  });

  it('a join, a MERGE or an upsert has no one-scan query: each arm is counted on its own', () => {
    for (const sql of [
      'DELETE FROM users u USING orders o WHERE u.id = o.uid',
      'UPDATE t SET a = b.a FROM b WHERE b.id = t.id',
      'MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE',
      'INSERT INTO t (id, v) VALUES (1, 2) ON CONFLICT (id) DO UPDATE SET v = 1',
    ]) {
      const outcome = change(sql);
      expect(outcome!.ok, sql).toBe(true);
      expect(outcome!.ok && outcome!.value.oneScan, sql).toBeUndefined();
    }
  });

  it('DELETE … USING and UPDATE … FROM count each target row once, by tableoid and ctid', () => {
    const using = change('DELETE FROM app.users u USING orders o WHERE u.id = o.uid');
    expect(using!.ok && using!.value.arms[0]!.matching).toMatch(/SELECT DISTINCT\s+u\.tableoid,\s+u\.ctid\s+FROM app\.users AS u, orders AS o/);
    const from = change("UPDATE t SET a = b.a FROM b WHERE b.id = t.id AND t.x IS DISTINCT FROM b.x");
    expect(from!.ok && from!.value.arms[0]!.matching).toMatch(/FROM t, b\s+WHERE\s+b\.id = t\.id\s+AND t\.x IS DISTINCT FROM b\.x/);
  });

  it('MERGE: one arm a WHEN clause, each excluding the clauses before it', () => {
    const merge = change(
      'MERGE INTO t USING s ON t.id = s.id WHEN MATCHED AND s.gone THEN DELETE WHEN MATCHED THEN UPDATE SET v = s.v WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.v) WHEN NOT MATCHED BY SOURCE THEN DELETE',
    );
    expect(merge!.ok).toBe(true);
    const arms = merge!.ok ? merge!.value.arms : [];
    expect(arms.map((arm) => arm.action)).toEqual(['delete', 'update', 'delete', 'insert']);
    expect(arms[0]!.matching).toMatch(/s\.gone IS TRUE/);
    expect(arms[1]!.matching).toMatch(/s\.gone IS NOT TRUE/);
    expect(arms[2]!.matching).toMatch(/NOT \(EXISTS \(SELECT 1\s+FROM s/);
    expect(arms[3]!.matching).toMatch(/FROM s\s+WHERE\s+NOT \(EXISTS \(SELECT 1\s+FROM t/);
  });

  it('a WHEN clause after an unconditional one of its kind is unreachable, and DO NOTHING changes nothing', () => {
    const merge = change('MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DO NOTHING WHEN MATCHED THEN DELETE');
    expect(merge!.ok && merge!.value.arms).toEqual([]);
  });

  it('INSERT … ON CONFLICT DO UPDATE: the rows that conflict, under the name excluded, with its WHERE', () => {
    const upsert = change('INSERT INTO t AS x (id, v) SELECT id, v FROM s ON CONFLICT (id) DO UPDATE SET v = excluded.v WHERE x.v <> excluded.v');
    expect(upsert!.ok).toBe(true);
    const [updated, inserted] = upsert!.ok ? upsert!.value.arms : [];
    expect(updated!.matching).toMatch(/FROM t AS x, \( SELECT\s+id,\s+v\s+FROM s \) AS excluded\(id, v\)\s+WHERE\s+x\.id = excluded\.id\s+AND x\.v <> excluded\.v/);
    expect(inserted!.action).toBe('insert');
    // Columns not named: the runtime gives the table's.
    expect(change('INSERT INTO t SELECT * FROM s ON CONFLICT (id) DO UPDATE SET v = 1')).toMatchObject({ ok: false, refusal: { message: expect.stringMatching(/columns are not named/) } });
    expect(change('INSERT INTO t SELECT * FROM s ON CONFLICT (id) DO UPDATE SET v = 1', ['id', 'v'])).toMatchObject({ ok: true });
  });

  it('what cannot be measured says why and what to write instead', () => {
    expect(change('INSERT INTO t VALUES (1) ON CONFLICT ON CONSTRAINT t_pkey DO UPDATE SET v = 1')).toMatchObject({ ok: false, refusal: { message: expect.stringMatching(/ON CONFLICT \(col, …\)/) } });
    expect(change('INSERT INTO t VALUES (1) ON CONFLICT (lower(v)) DO UPDATE SET v = 1')).toMatchObject({ ok: false, refusal: { message: expect.stringMatching(/expression/) } });
    expect(change('WITH d AS (DELETE FROM a RETURNING id) DELETE FROM t WHERE id IN (SELECT id FROM d)')).toMatchObject({ ok: false, refusal: { message: expect.stringMatching(/statement of its own/) } });
    expect(change('DELETE FROM t WHERE CURRENT OF c')).toMatchObject({ ok: false, refusal: { message: expect.stringMatching(/CURRENT OF/) } });
  });

  it('only statements that change existing rows are row changes', () => {
    const kinds = (sql: string) => {
      const parsed = parseSql(sql);
      return parsed.ok && changesRows(parsed.statements[0]!.kind, parsed.statements[0]!.node);
    };
    expect(kinds('INSERT INTO t VALUES (1)')).toBe(false);
    expect(kinds('INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING')).toBe(false);
    expect(kinds('INSERT INTO t VALUES (1) ON CONFLICT (id) DO UPDATE SET v = 2')).toBe(true);
    expect(kinds('MERGE INTO t USING s ON true WHEN MATCHED THEN DELETE')).toBe(true);
    expect(kinds('SELECT 1')).toBe(false);
  });
});
