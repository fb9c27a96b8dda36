import { describe, expect, it } from 'vitest';
import { startCleanup, startMigration } from '../../src/threads/migration-runner.ts';
import { proposeMigrationTool } from '../../tools/propose-migration.ts';
import { runSelectTool } from '../../tools/run-select.ts';
import { ToolRefusal } from '../../tools/context.ts';
import { runCli } from '../helpers/cli.ts';
import { inProcessAirlock } from '../helpers/in-process.ts';

const sandbox = inProcessAirlock((schema) => `CREATE TABLE ${schema}.t (id int PRIMARY KEY); INSERT INTO ${schema}.t VALUES (1), (2);`);

describe('SQL that does not parse: one exit code everywhere (2, bad input), its tier forbidden, nothing run', () => {
  it('check, migrate and cleanup --where each exit 2 with the parser’s message', async () => {
    const { schema } = sandbox();
    const check = await runCli(['check', '-', '--json'], { input: `DELETE FROM ${schema}.t WHER id = 1` });
    const migrate = await runCli(['migrate', '-', '--env', 'development', '--as', 'dev', '--json'], { input: `DELETE FROM ${schema}.t WHER id = 1` });
    const cleanup = await runCli(['cleanup', '--table', `${schema}.t`, '--where', 'id = = 1', '--env', 'development', '--as', 'dev', '--json']);
    expect([check.code, migrate.code, cleanup.code]).toEqual([2, 2, 2]);
    expect(check.json).toMatchObject({ tier: 'forbidden', error: expect.stringMatching(/syntax error at or near "id"/) });
    expect(migrate.json).toMatchObject({ status: 'blocked', tier: 'forbidden', reason: expect.stringMatching(/does not parse/) });
    expect(cleanup.json).toMatchObject({ status: 'blocked', reason: expect.stringMatching(/do not parse as SQL/) });
    expect(await sandbox().count('t')).toBe(2);
  });

  it('the agent’s tools say the same: a proposal reports exit_code 2 and rule parse-error; run_select refuses it as parse-error', async () => {
    const { schema } = sandbox();
    const context = { environment: 'development', agent: 'agent:helper', threadId: `agt-unparseable-${schema}`, propose: { migration: startMigration, cleanup: startCleanup } };
    const proposed = JSON.parse(await proposeMigrationTool(context).invoke({ sql: `DELETE FROM ${schema}.t WHER id = 1` }));
    expect(proposed).toMatchObject({ status: 'blocked', rule: 'parse-error', exit_code: 2 });
    const refusal = await runSelectTool().invoke({ sql: `SELEC * FROM ${schema}.t` }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ToolRefusal);
    expect((refusal as ToolRefusal).rule).toBe('parse-error');
    expect(await sandbox().count('t')).toBe(2);
  });
});
