import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cliEnv, runCli } from '../helpers/cli.ts';
import { openSandbox, type Sandbox } from '../helpers/database.ts';
import { startScriptedModel, type ScriptedModel, type Turn } from '../../src/agent/scripted-openai.ts';

/**
 * Issue 14, hole 8: through run_select a scripted model read pg_authid and
 * pg_shadow (SCRAM verifiers, sent to it unmasked) and pg_stats for schema
 * airlock (confirmation tokens and approval SQL from column statistics).
 * Now they are refused by name, the reader role cannot see them anyway, and
 * what does come back has password hashes, JWTs and private keys masked.
 */

let db: Sandbox;
let model: ScriptedModel | undefined;
beforeAll(() => runCli(['inbox', '--json'])); // Airlock's own schema exists, approvals and all
beforeEach(async () => {
  db = await openSandbox();
  await db.query(`
    CREATE TABLE ${db.schema}.users (id int PRIMARY KEY, email text, note text);
    INSERT INTO ${db.schema}.users SELECT n, 'u' || n || '@x', 'ok' FROM generate_series(1, 10) n;
    UPDATE ${db.schema}.users SET note = 'SCRAM-SHA-256$4096:c2FsdHNhbHRzYWx0$U3RvcmVkS2V5U3RvcmVkS2V5:U2VydmVyS2V5U2VydmVyS2V5' WHERE id = 1;
    UPDATE ${db.schema}.users SET note = 'md5' || md5('hunter2bob') WHERE id = 2;
    UPDATE ${db.schema}.users SET note = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSIsInJvbGUiOiJhZG1pbiJ9.c2lnbmF0dXJlc2lnbmF0dXJl' WHERE id = 3;
    UPDATE ${db.schema}.users SET note = E'-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----' WHERE id = 4;
  `);
  // Column statistics of Airlock's own tables exist to be stolen.
  await db.query('ANALYZE airlock.approvals');
});
afterEach(async () => {
  await model?.close();
  model = undefined;
  await db.close();
});

async function agent(turns: Turn[]) {
  model = await startScriptedModel(turns);
  return runCli(['agent', 'tell me about the users', '--env', 'production', '--as', 'dev', '--json'], {
    env: cliEnv({ OPENAI_BASE_URL: model.url, OPENAI_API_KEY: undefined }),
  });
}

function toolResults(): string[] {
  const last = model!.chatRequests().at(-1);
  return (last?.body.messages ?? []).filter((m) => m.role === 'tool').map((m) => String(m.content));
}

const SECRET_READS = [
  'SELECT rolname, rolpassword FROM pg_authid',
  'SELECT usename, passwd FROM pg_catalog.pg_shadow',
  'SELECT * FROM "pg_catalog"."pg_authid"',
  "SELECT attname, most_common_vals::text FROM pg_stats WHERE schemaname = 'airlock'",
  'SELECT stxdexpr FROM pg_statistic_ext_data',
  'SELECT query FROM pg_stat_activity',
  'SELECT * FROM pg_user_mappings',
  'SELECT * FROM pg_hba_file_rules',
  'SELECT * FROM pg_file_settings',
  "SELECT query_to_xml('SELECT * FROM airlock.approvals', true, true, '')",
  'SELECT * FROM airlock.approvals',
];

describe("hole 8: the agent's read path stays out of secrets and out of Airlock", () => {
  it('run_select on pg_authid, pg_shadow, pg_stats for airlock, query text…: each refused, told why, audited; nothing leaks', async () => {
    const result = await agent([
      ...SECRET_READS.map((sql) => ({ toolCalls: [{ name: 'run_select', args: { sql } }] })),
      { content: 'I could not read those.' },
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.json.tools.map((t: any) => t.outcome)).toEqual(SECRET_READS.map(() => 'refused'));
    const rules = result.json.tools.map((t: any) => t.rule);
    expect(rules.slice(0, 10)).toEqual(Array(10).fill('reads-secrets'));
    expect(rules[10]).toBe('airlock-state');
    const told = toolResults();
    expect(told[0]).toMatch(/REFUSED \(reads-secrets\): pg_authid is not for agents/);
    const everything = JSON.stringify(model!.requests);
    expect(everything).not.toMatch(/SCRAM-SHA-256\$\d/);
    expect(everything).not.toMatch(/confirmation_token|\d{8}-[a-z]+-/);
    const audit = await runCli(['audit', '--thread', result.json.thread_id, '--json']);
    expect(JSON.stringify(audit.json)).toMatch(/run_select.*refused.*reads-secrets/);
  });

  it('a quoted user function named like a built-in ("Count", which takes locks) is not read-only: refused, the table unlocked', async () => {
    await db.query(`CREATE FUNCTION ${db.schema}."Count"(x int) RETURNS int LANGUAGE plpgsql AS $$
      BEGIN LOCK TABLE ${db.schema}.users IN ACCESS EXCLUSIVE MODE; RETURN x; END $$`);
    const result = await agent([
      { toolCalls: [{ name: 'run_select', args: { sql: `SELECT ${db.schema}."Count"(1)` } }] },
      { toolCalls: [{ name: 'run_select', args: { sql: 'SELECT "Count"(1)' } }] },
      { content: 'Refused.' },
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.json.tools.map((t: any) => `${t.outcome}:${t.rule}`)).toEqual(['refused:user-defined-function', 'refused:user-defined-function']);
  });

  it('what a table does hold comes back with SCRAM and md5 hashes, JWTs and private keys masked', async () => {
    const result = await agent([
      { toolCalls: [{ name: 'run_select', args: { sql: `SELECT id, note FROM ${db.schema}.users WHERE id <= 4 ORDER BY id` } }] },
      { content: 'Masked.' },
    ]);
    expect(result.code, result.stderr).toBe(0);
    const [rows] = toolResults();
    expect(rows).toContain('SCRAM-SHA-256$***');
    expect(rows).toContain('md5***');
    expect(rows).toContain('eyJ***(JWT)');
    expect(rows).toContain('PRIVATE KEY (masked)');
    const everything = JSON.stringify(model!.requests);
    expect(everything).not.toContain('U3RvcmVkS2V5');
    expect(everything).not.toContain('eyJzdWIiOiJhbGljZSIs');
    expect(everything).not.toContain('MIIEvQIBADANBgkq');
  });

  it('the reader role itself cannot read them either, whatever SQL got past the checks', async () => {
    // Straight to the database as the agent's reader role: what the role allows is the last line.
    const asReader = async (sql: string) => {
      await db.query('BEGIN READ ONLY');
      try {
        await db.query('SET LOCAL ROLE airlock_reader');
        return await db.query(sql);
      } finally {
        await db.query('ROLLBACK');
      }
    };
    // run_select once, so the role exists and holds its grants
    const ran = await agent([{ toolCalls: [{ name: 'run_select', args: { sql: `SELECT count(*) AS n FROM ${db.schema}.users` } }] }, { content: 'ten' }]);
    expect(ran.json.tools[0]).toMatchObject({ outcome: 'ran' });
    expect((await asReader(`SELECT count(*)::int AS n FROM ${db.schema}.users`)).rows[0].n).toBe(10);
    for (const sql of ['SELECT rolpassword FROM pg_authid', 'SELECT passwd FROM pg_shadow', 'SELECT * FROM airlock.approvals', 'SELECT * FROM pg_statistic', 'SELECT * FROM pg_file_settings']) {
      await expect(asReader(sql), sql).rejects.toThrow(/permission denied/);
    }
    expect((await asReader("SELECT count(*)::int AS n FROM pg_stats WHERE schemaname LIKE 'airlock%'")).rows[0].n).toBe(0);
    const { rows } = await db.query(
      `SELECT pg_has_role('airlock_reader', 'pg_read_all_data', 'MEMBER') AS all_data, pg_has_role('airlock_reader', 'pg_read_all_stats', 'MEMBER') AS all_stats, r.rolsuper, r.rolcanlogin FROM pg_roles r WHERE r.rolname = 'airlock_reader'`,
    );
    expect(rows[0]).toEqual({ all_data: false, all_stats: false, rolsuper: false, rolcanlogin: false });
  });
});
