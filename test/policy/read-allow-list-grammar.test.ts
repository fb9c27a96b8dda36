import { beforeAll, describe, expect, it } from 'vitest';
import catalogue from '../../src/sql/catalogue/pg-functions.json' with { type: 'json' };
import { classifySql } from '../../src/policy/classify.ts';
import { loadSqlParser } from '../../src/sql/parse-sql.ts';

/**
 * 1,000 random statements from a small grammar of node kinds and functions
 * (seeded, so every run makes the same ones). The grammar knows, by
 * construction, whether it put anything outside the read allow-list into a
 * statement (a locking clause, INTO, a data-modifying CTE, EXPLAIN ANALYZE of
 * a change, COPY to a file, a volatile or user-defined function, a quoted
 * look-alike, a function or operator of another schema). Nothing it tainted
 * may ever be tiered `read`; and what it did not taint should be, so the test
 * cannot pass by calling everything a write.
 */

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Piece {
  sql: string;
  /** Something outside the allow-list is in it. */
  tainted: boolean;
  /** …and the only such thing is a data-modifying CTE, which plain EXPLAIN plans without running. */
  onlyAChange?: boolean;
}

// Functions that surely only compute (checked against the catalogue below), and ones that surely do not.
const PURE_FUNCTIONS = ['lower', 'upper', 'abs', 'length', 'md5', 'round', 'btrim', 'now', 'date_trunc', 'to_char', 'jsonb_build_object', 'concat_ws', 'random'];
const VOLATILE = Object.entries(catalogue.functions as Record<string, string>)
  .filter(([name, volatility]) => volatility === 'v' && /^[a-z_]+$/.test(name))
  .map(([name]) => name)
  .filter((name) => !['random', 'random_normal', 'clock_timestamp', 'timeofday', 'gen_random_uuid', 'uuidv4', 'uuidv7', 'currval', 'lastval'].includes(name) && !/size$|^pg_is_|^pg_last_|^pg_current_wal|^pg_get_|^pg_stat_get_xact|_status$|^pg_xact|^pg_control|^pg_partition|^pg_blocking|^pg_safe|^pg_lock_status|^pg_jit|^pg_notification_queue|^pg_collation|^pg_database_collation|^pg_current_logfile|^pg_prepared_xact|^current_query|^array_s/.test(name));
const USER_FUNCTIONS = ['my_cleanup', '"Lower"', '"Count"', 'public.lower', 'app.count', 'util.now', 'dblink', 'dblink_exec'];
const PURE_OPERATORS = ['=', '<>', '<', '>=', '+', '-', '*', '||', '~~', '@>'];

function generator(random: () => number) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const chance = (p: number) => random() < p;
  const column = () => pick(['id', 'email', 'n', 'created_at', 'doc', 't.id', 'u.email']);

  const expression = (depth: number): Piece => {
    const roll = random();
    if (depth > 3 || roll < 0.25) return { sql: pick([column(), '1', "'x'", 'NULL', 'true', '2.5', 'CURRENT_DATE']), tainted: false };
    if (roll < 0.4) {
      const left = expression(depth + 1);
      const right = expression(depth + 1);
      if (chance(0.1)) return { sql: `(${left.sql} OPERATOR(public.+) ${right.sql})`, tainted: true };
      if (chance(0.05)) return { sql: `(${left.sql} === ${right.sql})`, tainted: true };
      return { sql: `(${left.sql} ${pick(PURE_OPERATORS)} ${right.sql})`, tainted: left.tainted || right.tainted };
    }
    if (roll < 0.6) {
      const argument = expression(depth + 1);
      const kind = random();
      if (kind < 0.6) return { sql: `${pick(PURE_FUNCTIONS)}(${argument.sql})`, tainted: argument.tainted };
      if (kind < 0.8) return { sql: `${pick(VOLATILE)}(${argument.sql})`, tainted: true };
      return { sql: `${pick(USER_FUNCTIONS)}(${argument.sql})`, tainted: true };
    }
    if (roll < 0.7) {
      const [a, b, c] = [expression(depth + 1), expression(depth + 1), expression(depth + 1)];
      return { sql: `CASE WHEN ${a.sql} IS NULL THEN ${b.sql} ELSE ${c.sql} END`, tainted: a.tainted || b.tainted || c.tainted };
    }
    if (roll < 0.8) {
      const inner = select(depth + 1);
      return { sql: `${pick(['EXISTS', ''])} (${inner.sql})`, tainted: inner.tainted };
    }
    if (roll < 0.9) {
      const a = expression(depth + 1);
      return { sql: `${a.sql}::${pick(['text', 'int', 'bigint', 'jsonb', 'timestamptz'])}`, tainted: a.tainted };
    }
    const [a, b] = [expression(depth + 1), expression(depth + 1)];
    return { sql: `NOT (${a.sql} IS NOT DISTINCT FROM ${b.sql})`, tainted: a.tainted || b.tainted };
  };

  const select = (depth: number): Piece => {
    const items = Array.from({ length: 1 + Math.floor(random() * 3) }, () => expression(depth + 1));
    let tainted = items.some((item) => item.tainted);
    let onlyAChange = false;
    let sql = `SELECT ${items.map((item) => item.sql).join(', ')} FROM ${pick(['users u', 'orders t', 'app.users u JOIN orders t ON t.id = u.id', 'users u TABLESAMPLE SYSTEM (5)', 'generate_series(1, 3) AS g(n)'])}`;
    if (chance(0.5)) {
      const where = expression(depth + 1);
      sql += ` WHERE ${where.sql}`;
      tainted ||= where.tainted;
    }
    if (chance(0.2)) sql += ' GROUP BY 1 ORDER BY 1 DESC LIMIT 10';
    if (depth === 0 && chance(0.15)) {
      const cte = random();
      if (cte < 0.5) {
        const inner = select(depth + 1);
        sql = `WITH c AS (${inner.sql}) ${sql}`;
        tainted ||= inner.tainted;
      } else {
        sql = `WITH c AS (${pick(['DELETE FROM sessions WHERE id < 3 RETURNING id', "UPDATE users SET email = 'x' WHERE id = 1 RETURNING id", 'INSERT INTO audit_copy VALUES (1) RETURNING 1'])}) ${sql}`;
        if (!tainted) onlyAChange = true;
        tainted = true;
      }
    }
    if (depth === 0 && chance(0.08)) {
      sql += ` ${pick(['FOR UPDATE', 'FOR SHARE', 'FOR NO KEY UPDATE SKIP LOCKED'])}`;
      tainted = true;
      onlyAChange = false;
    }
    return { sql, tainted, onlyAChange };
  };

  const statement = (): Piece => {
    const roll = random();
    if (roll < 0.6) return select(0);
    if (roll < 0.7) {
      // Plain EXPLAIN plans its query without running it: a change it explains does not happen (EXPLAIN ANALYZE's does).
      const inner = select(0);
      return { sql: `EXPLAIN ${inner.sql}`, tainted: inner.tainted && !inner.onlyAChange };
    }
    if (roll < 0.75) return { sql: `EXPLAIN ANALYZE ${pick(['DELETE FROM users', "UPDATE users SET email = 'y'", 'INSERT INTO users VALUES (9)'])}`, tainted: true };
    if (roll < 0.85) {
      const inner = select(1);
      const target = random();
      if (target < 0.5) return { sql: `COPY (${inner.sql}) TO STDOUT`, tainted: inner.tainted };
      return { sql: `COPY (${inner.sql}) TO ${pick(["'/tmp/x.csv'", "PROGRAM 'gzip > /tmp/x'"])}`, tainted: true };
    }
    if (roll < 0.9) return { sql: pick(['COPY users FROM STDIN', "COPY users FROM '/etc/passwd'"]), tainted: true };
    if (roll < 0.95) {
      const inner = select(1);
      return { sql: `SELECT * INTO copy_${Math.floor(random() * 100)} FROM (${inner.sql}) s`, tainted: true };
    }
    return { sql: pick(['SHOW work_mem', 'SHOW ALL']), tainted: false };
  };
  return statement;
}

describe('1,000 random statements: nothing outside the allow-list is ever a read', () => {
  beforeAll(() => loadSqlParser());

  it('the grammar\'s pure functions are on the catalogue, not volatile (random() excepted, a known volatile read)', () => {
    const functions = catalogue.functions as Record<string, string>;
    for (const name of PURE_FUNCTIONS) expect(functions[name], name).toBeDefined();
    expect(VOLATILE.length).toBeGreaterThan(50);
  });

  it('tiers every tainted statement above read, and most untainted ones read', () => {
    const statement = generator(mulberry32(20261203));
    const wronglyRead: string[] = [];
    let untainted = 0;
    let untaintedRead = 0;
    let parsed = 0;
    for (let index = 0; index < 1000; index++) {
      const { sql, tainted } = statement();
      const verdict = classifySql(sql);
      if (verdict.error) continue; // a generated text that does not parse is forbidden anyway
      parsed++;
      if (tainted && verdict.tier === 'read') wronglyRead.push(sql);
      if (!tainted) {
        untainted++;
        if (verdict.tier === 'read') untaintedRead++;
      }
    }
    expect(wronglyRead).toEqual([]);
    expect(parsed).toBeGreaterThan(950);
    expect(untainted).toBeGreaterThan(200);
    expect(untaintedRead / untainted).toBeGreaterThan(0.95);
  });
});
