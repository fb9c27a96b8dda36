import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkAgentSelect, type AgentSqlCheck } from '../../src/policy/agent-sql.ts';
import { classifySql } from '../../src/policy/classify.ts';
import { walk } from '../../src/sql/definitions.ts';
import { loadSqlParser, parseSql } from '../../src/sql/parse-sql.ts';
import { explainRunsItsQuery } from '../../src/policy/rules/explain-analyze-executes.ts';
import { ok, refused } from '../../src/contracts/result.ts';

/**
 * crystaldba/postgres-mcp's SafeSqlDriver tests (allowed and refused queries)
 * as a suite for the agent's read-only path: run_select, and the explain tool
 * for EXPLAIN. The cases are extracted from the peer's own repository by
 * test/agent/peers/extract-postgres-mcp-safe-sql.py (origin, path and commit
 * in the JSON file).
 */
const suite = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, 'peers/postgres-mcp-safe-sql.json'), 'utf8')) as {
  origin: { repository: string; path: string; commit: string };
  cases: { test: string; line: number; sql: string; expected: 'allowed' | 'refused' }[];
};

const squash = (sql: string) => sql.replace(/\s+/g, ' ').trim();

/** Where we disagree on purpose, and why. Keyed by the query, whitespace squashed. */
const DELIBERATE: Record<string, string> = {
  'SHOW search_path':
    'run_select takes one SELECT (it is wrapped as a subquery and cut at 100 rows); a setting is read with SELECT current_setting(…)',
  'CREATE EXTENSION IF NOT EXISTS hypopg': 'creating an extension is a write (it runs its install script): never through a read tool; propose_migration',
  "SELECT * FROM hypopg_create_index('CREATE INDEX idx ON users(id)')":
    'hypopg functions change the session (hypothetical indexes) and are extension code Airlock does not know to be side-effect free',
  'SELECT * FROM hypopg_reset()': 'as hypopg_create_index: extension code that changes the session',
  'SELECT * FROM hypopg_list_indexes()': 'extension code Airlock does not know (not a built-in; the extension may not even be installed)',
  'SELECT * FROM pg_stat_statements ORDER BY calls DESC LIMIT 10':
    "hole 8: the text of every query run on the server (approval SQL, tokens in literals) is not for the agent",
  "SELECT * FROM pg_stats WHERE schemaname = 'public'":
    "hole 8: pg_stats shows columns' most common values, Airlock's own tables included; refused by name, whatever the filter",
  'SELECT pg_current_logfile()': "names the server's log file; no read tool needs the server's file layout",
  'EXPLAIN (FORMAT JSON) SELECT id, name FROM users WHERE age > $1 AND status = $2':
    'the explain tool binds no parameters: a statement with $1 cannot be planned; the agent writes the values in',
};

/**
 * Built-ins that only read but are not on the read-only function list in this
 * branch (refused as unknown-function); the pg_proc-generated allow-list
 * (issue 14, the `read` tier by allow-list) is to allow them. Until then a
 * refusal is accepted only for that reason.
 */
const PENDING_FUNCTION_LIST = new Set([
  "SELECT pg_relation_filenode('foo');",
  'SELECT pg_blocking_pids(1234)',
  'SELECT current_user, current_database(), version(), pg_backend_pid(), pg_blocking_pids(pg_backend_pid())',
  "SELECT isfinite(timestamp '2001-02-16')",
  "SELECT justify_days(interval '35 days')",
  "SELECT justify_hours(interval '27 hours')",
  "SELECT justify_interval(interval '1 year -1 hour')",
  'SELECT make_time(8, 15, 23.5)',
  'SELECT make_timestamp(2013, 7, 15, 8, 15, 23.5)',
  'SELECT make_timestamptz(2013, 7, 15, 8, 15, 23.5)',
  'SELECT timeofday()',
  'SELECT inet_client_addr(), inet_client_port()',
  'SELECT pg_listening_channels(), pg_postmaster_start_time()',
]);
// Longer queries in the same situation, by test name (has_*_privilege, inet_client_*, pg_blocking_pids).
const PENDING_TESTS = new Set([
  'test_complex_security_privilege_queries',
  'test_security_privilege_functions_with_subqueries',
  'test_network_functions_in_complex_queries',
]);

/**
 * Our read path: EXPLAIN goes to the explain tool, which sends plain EXPLAIN
 * with no options it did not choose and binds no parameters; anything else
 * goes to run_select.
 */
function ourReadPath(sql: string): AgentSqlCheck {
  const classification = classifySql(sql);
  const [statement] = classification.statements;
  if (!classification.error && classification.statements.length === 1 && statement!.kind === 'ExplainStmt') {
    const parsed = parseSql(sql);
    const node = parsed.ok ? parsed.statements[0]!.node : {};
    if (explainRunsItsQuery(node)) return refused('explain-analyze-executes', 'the explain tool never runs EXPLAIN ANALYZE');
    let parameters = false;
    walk(node, (key) => (parameters ||= key === 'ParamRef'));
    if (parameters) return refused('explain-parameters', 'the explain tool binds no parameters');
    return statement!.tier === 'read' ? ok({ text: sql, tables: statement!.tables }) : refused(statement!.rules[0] ?? 'explain', statement!.reasons[0] ?? '');
  }
  return checkAgentSelect(sql);
}

beforeAll(() => loadSqlParser());

describe(`postgres-mcp SafeSqlDriver's cases (${suite.origin.repository} ${suite.origin.path} @ ${suite.origin.commit.slice(0, 12)})`, () => {
  it('were extracted: allowed and refused queries, with their origin', () => {
    expect(suite.origin.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(suite.cases.filter((c) => c.expected === 'allowed').length).toBeGreaterThan(50);
    expect(suite.cases.filter((c) => c.expected === 'refused').length).toBeGreaterThan(15);
  });

  it.each(suite.cases.map((c) => [`${c.test}:${c.line} ${c.expected}: ${squash(c.sql).slice(0, 80)}`, c] as const))('%s', (_name, c) => {
    const verdict = ourReadPath(c.sql);
    const ours = verdict.ok ? 'allowed' : 'refused';
    const key = squash(c.sql);
    if (DELIBERATE[key]) {
      expect(ours, DELIBERATE[key]).not.toBe(c.expected);
      return;
    }
    if (c.expected === 'allowed' && (PENDING_FUNCTION_LIST.has(key) || PENDING_TESTS.has(c.test)) && !verdict.ok) {
      expect(verdict.refusal.code, 'a side-effect-free built-in refused only for want of the generated function list').toBe('unknown-function');
      return;
    }
    expect(ours, verdict.ok ? '' : `${verdict.refusal.code}: ${verdict.refusal.message}`).toBe(c.expected);
  });

  it('every case they refuse, we refuse too (no deliberate disagreement that way)', () => {
    const missed = suite.cases.filter((c) => c.expected === 'refused' && ourReadPath(c.sql).ok);
    expect(missed.map((c) => squash(c.sql))).toEqual([]);
  });
});
