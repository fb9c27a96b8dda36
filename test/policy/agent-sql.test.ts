import { beforeAll, describe, expect, it } from 'vitest';
import { checkAgentExplain, checkAgentSelect } from '../../src/policy/agent-sql.ts';
import { loadSqlParser } from '../../src/sql/parse-sql.ts';
import { agentRefusal } from '../../src/policy/permit.ts';
import { BUILT_IN_POLICY, Policy } from '../../src/policy/policy-file.ts';

beforeAll(() => loadSqlParser());

describe('run_select takes one read-only SELECT, nothing else', () => {
  const allowed = [
    'SELECT count(*) FROM users',
    'SELECT * FROM users WHERE last_login IS NULL ORDER BY id LIMIT 5;',
    'WITH old AS (SELECT id FROM sessions WHERE created_at < now()) SELECT count(*) FROM old',
    'SELECT u.id, o.total FROM users u JOIN orders o ON o.user_id = u.id',
    "SELECT 'ignore; DROP TABLE x' AS text",
  ];
  for (const sql of allowed) it(`allows: ${sql}`, () => expect(checkAgentSelect(sql)).toMatchObject({ ok: true }));

  const refused: [string, RegExp][] = [
    ['SELECT 1; COMMIT; DROP TABLE users', /one-statement-only/],
    ['SELECT 1; SELECT 2', /one-statement-only/],
    ['WITH d AS (DELETE FROM users RETURNING *) SELECT * FROM d', /data-modifying-cte|cte/],
    ['DELETE FROM users', /.+/],
    ['UPDATE users SET x = 1 WHERE id = 1', /.+/],
    ['SELECT * INTO copy FROM users', /select-into|.+/],
    ['SELECT pg_terminate_backend(123)', /side-effect|.+/],
    ['SELECT * FROM users FOR UPDATE', /select-for-update|.+/],
    ['SELECT * FROM airlock.approvals', /airlock-state/],
    ['SELECT * FROM airlock_backup.act_0123456789ab', /airlock-state/],
    ['SELEC 1', /parse-error/],
    ['', /parse-error|one-statement-only/],
    ['COPY users TO PROGRAM $$sh$$', /.+/],
  ];
  for (const [sql, rule] of refused) {
    it(`refuses: ${sql || '(empty)'}`, () => {
      const checked = checkAgentSelect(sql);
      expect(checked.ok).toBe(false);
      if (!checked.ok) expect(checked.refusal.code).toMatch(rule);
    });
  }
});

describe('explain plans one DML or SELECT statement', () => {
  it('plans DML without running it', () => {
    expect(checkAgentExplain('DELETE FROM users WHERE id = 1')).toMatchObject({ ok: true, value: { text: 'DELETE FROM users WHERE id = 1' } });
    expect(checkAgentExplain('SELECT 1')).toMatchObject({ ok: true });
  });
  it('refuses EXPLAIN ANALYZE, DDL, several statements and Airlock state', () => {
    expect(checkAgentExplain('EXPLAIN ANALYZE DELETE FROM users')).toMatchObject({ ok: false, refusal: { code: 'explain-dml-only' } });
    expect(checkAgentExplain('DROP TABLE users')).toMatchObject({ ok: false, refusal: { code: 'explain-dml-only' } });
    expect(checkAgentExplain('SELECT 1; DELETE FROM users')).toMatchObject({ ok: false, refusal: { code: 'one-statement-only' } });
    expect(checkAgentExplain('DELETE FROM airlock.audit')).toMatchObject({ ok: false, refusal: { code: 'airlock-state' } });
  });
});

describe("an agent role's tools and environments", () => {
  const policy = Policy.parse({
    ...BUILT_IN_POLICY,
    agents: { reader: { tools: ['read'], environments: ['production'] }, cleaner: { tools: ['cleanup', 'count_rows'], environments: ['staging'] } },
  });
  it('`read` grants every read tool and nothing that writes', () => {
    for (const tool of ['list_tables', 'describe_table', 'sample_rows', 'count_rows', 'run_select', 'explain']) {
      expect(agentRefusal('agent:reader', tool, 'production', policy)).toBeUndefined();
    }
    expect(agentRefusal('agent:reader', 'propose_cleanup', 'production', policy)?.message).toMatch(/may not call propose_cleanup/);
    expect(agentRefusal('agent:reader', 'propose_migration', 'production', policy)?.message).toMatch(/may not call propose_migration/);
  });
  it('the CLI name and the agent tool grant each other (cleanup ≡ propose_cleanup), in the role’s environments only', () => {
    expect(agentRefusal('agent:cleaner', 'propose_cleanup', 'staging', policy)).toBeUndefined();
    expect(agentRefusal('agent:cleaner', 'cleanup', 'staging', policy)).toBeUndefined();
    expect(agentRefusal('agent:cleaner', 'propose_cleanup', 'production', policy)?.message).toMatch(/may not act in production/);
    expect(agentRefusal('agent:cleaner', 'run_select', 'staging', policy)?.message).toMatch(/may not call run_select/);
  });
  it('an unknown agent is refused when the policy lists agents', () => {
    expect(agentRefusal('agent:stranger', 'list_tables', 'production', policy)?.message).toMatch(/not an agent the policy knows/);
  });
});
