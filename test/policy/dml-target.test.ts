import { beforeAll, describe, expect, it } from 'vitest';
import { dmlTarget } from '../../src/policy/dml-target.ts';
import { loadSqlParser, parseSql } from '../../src/policy/parse-sql.ts';

beforeAll(() => loadSqlParser());

function target(sql: string) {
  const parsed = parseSql(sql);
  if (!parsed.ok) throw new Error(parsed.error);
  return dmlTarget(parsed.statements[0]!);
}

describe('the rows a DELETE or UPDATE picks, as a read-only SELECT', () => {
  const cases: [string, string, object | undefined][] = [
    ['plain delete', 'DELETE FROM users WHERE last_login IS NULL', { name: 'users', table: '"users"', from: '"users"', ref: '"users"', where: 'last_login IS NULL', join: false }],
    ['schema-qualified', 'DELETE FROM app.users WHERE id = 1;', { name: 'app.users', table: '"app"."users"', where: 'id = 1' }],
    ['no WHERE: the whole table', 'DELETE FROM t', { name: 't', where: undefined, join: false }],
    ['RETURNING is not part of the filter', 'DELETE FROM t WHERE a > 1 RETURNING *', { where: 'a > 1' }],
    ['alias', 'DELETE FROM users AS u WHERE u.id < 10', { from: '"users" AS "u"', ref: '"u"', where: 'u.id < 10' }],
    ['alias without AS', 'UPDATE users u SET x = 1 WHERE u.id < 10', { from: '"users" AS "u"', ref: '"u"' }],
    ['USING join', 'DELETE FROM users u USING orders o WHERE u.id = o.uid', { from: '"users" AS "u", orders o', join: true, where: 'u.id = o.uid' }],
    ['UPDATE … FROM join', 'UPDATE t SET a = s.a FROM s WHERE t.id = s.id', { from: '"t", s', join: true, where: 't.id = s.id' }],
    ['IS DISTINCT FROM in SET is not the FROM clause', 'UPDATE t SET a = b IS DISTINCT FROM c WHERE id = 1', { from: '"t"', join: false, where: 'id = 1' }],
    ['IS DISTINCT FROM in SET, then a FROM clause', 'UPDATE t SET a = b IS DISTINCT FROM c FROM s WHERE t.id = s.id', { from: '"t", s', join: true }],
    ['WHERE inside a subquery in SET is not the filter', 'UPDATE t SET a = (SELECT max(x) FROM s WHERE s.k = t.k) WHERE t.id > 5', { from: '"t"', where: 't.id > 5' }],
    ['subquery in the filter', 'DELETE FROM t WHERE id IN (SELECT id FROM s WHERE flag)', { where: 'id IN (SELECT id FROM s WHERE flag)' }],
    ['WITH clause kept', 'WITH old AS (SELECT id FROM s) DELETE FROM t WHERE id IN (SELECT id FROM old)', { withClause: 'WITH old AS (SELECT id FROM s)' }],
    ['ONLY', 'DELETE FROM ONLY parent WHERE id = 1', { from: 'ONLY "parent"' }],
    ['quoted names and keywords in strings', `DELETE FROM "Weird ""t""" WHERE "where" = 'a WHERE b'`, { table: '"Weird ""t"""', where: `"where" = 'a WHERE b'` }],
    ['non-ASCII text', `DELETE FROM t WHERE name = 'ünïcødé' AND id > 1`, { where: `name = 'ünïcødé' AND id > 1` }],
    ['comment inside', 'DELETE FROM t /* old rows */ WHERE id < 5', { where: 'id < 5' }],
    ['a CTE that writes cannot be measured read-only', 'WITH d AS (DELETE FROM x RETURNING id) DELETE FROM t WHERE id IN (SELECT id FROM d)', undefined],
    ['WHERE CURRENT OF a cursor', 'UPDATE t SET a = 1 WHERE CURRENT OF c', undefined],
    ['INSERT is not measured', 'INSERT INTO t VALUES (1)', undefined],
    ['DDL is not measured', 'DROP TABLE t', undefined],
  ];
  for (const [name, sql, expected] of cases) {
    it(name, () => {
      const found = target(sql);
      if (expected === undefined) expect(found).toBeUndefined();
      else expect(found).toMatchObject(expected);
    });
  }
});
