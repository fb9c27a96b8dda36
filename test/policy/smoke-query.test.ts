import { beforeAll, describe, expect, it } from 'vitest';
import { loadSqlParser } from '../../src/sql/parse-sql.ts';
import { smokeQueryRefusal } from '../../src/policy/smoke-query.ts';

beforeAll(() => loadSqlParser());

describe('a smoke query must be one plain SELECT (smoke-query-not-plain-read)', () => {
  it.each([
    ["COPY (SELECT 1) TO '/tmp/x'", /CopyStmt/],
    ['COPY t TO STDOUT', /CopyStmt/],
    ['SELECT 1; SELECT 2', /one statement/],
    ['SELECT * INTO t2 FROM t', /INTO/],
    ['SELECT * FROM t FOR UPDATE', /FOR UPDATE/],
    ['DELETE FROM t', /DeleteStmt/],
  ])('%s is refused', (sql, reason) => {
    expect(smokeQueryRefusal(sql)?.message).toMatch(reason);
  });
  it('SELECT count(*) > 0 FROM orders is fine', () => {
    expect(smokeQueryRefusal('SELECT count(*) > 0 FROM orders')).toBeUndefined();
  });
});
