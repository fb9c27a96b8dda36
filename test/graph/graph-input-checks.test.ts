import { randomBytes } from 'node:crypto';
import { MemorySaver } from '@langchain/langgraph';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildCleanupGraph, buildMigrationGraph } from '../../src/pipeline/graphs.ts';
import { channelsOf, wholeInputOf } from '../../src/pipeline/graph-schemas.ts';
import { CleanupInput, MigrationChannels, MigrationInput } from '../../src/contracts/migration-state.ts';
import { openSandbox, type Sandbox } from '../helpers/database.ts';
import { handClock, handMadeDeps } from '../helpers/pipeline-deps.ts';

/**
 * The graphs' state is a StateSchema (each channel checked against its own
 * field, issue 17), and what a caller gives is still checked whole against
 * the input's zod object: from Studio, the API or a script, a missing or
 * mistyped field runs nothing.
 */
const time = handClock();
const deps = handMadeDeps({ clock: time });
let db: Sandbox;

beforeEach(async () => {
  time.set(new Date('2027-03-01T09:00:00Z'));
  db = await openSandbox();
  await db.query(`CREATE TABLE ${db.schema}.t (id int); INSERT INTO ${db.schema}.t SELECT generate_series(1, 10)`);
});
afterEach(() => db.close());

const config = () => ({ configurable: { thread_id: `input-${randomBytes(5).toString('hex')}` } });

describe("the graph's input is checked whole", () => {
  it.each([
    ['no sql', 'sql', { environment: 'development', requestedBy: 'dev' }],
    ['no environment', 'environment', { sql: 'DELETE FROM t', requestedBy: 'dev' }],
    ['no requester', 'requestedBy', { sql: 'DELETE FROM t', environment: 'development' }],
    ['sql that is not a string', 'sql', { sql: ['DELETE FROM t'], environment: 'development', requestedBy: 'dev' }],
    ['an environment that is not a string', 'environment', { sql: 'DELETE FROM t', environment: { name: 'development' }, requestedBy: 'dev' }],
  ] as [string, string, Record<string, unknown>][])('a migration with %s is refused before any step runs; the table is unchanged', async (_what, field, input) => {
    const graph = buildMigrationGraph(deps()).compile({ checkpointer: new MemorySaver() });
    const sql = typeof input.sql === 'string' ? input.sql.replace('FROM t', `FROM ${db.schema}.t`) : input.sql;
    await expect(graph.invoke({ ...input, sql } as never, config())).rejects.toThrow(new RegExp(`"${field}"`));
    expect(await db.count('t')).toBe(10);
  });

  it('a cleanup without a filter is refused; its mode defaults to delete when left out', async () => {
    const graph = buildCleanupGraph(deps()).compile({ checkpointer: new MemorySaver() });
    await expect(graph.invoke({ table: `${db.schema}.t`, environment: 'development', requestedBy: 'dev' } as never, config())).rejects.toThrow(/"predicate"/);
    expect(await db.count('t')).toBe(10);
    await expect(wholeInputOf(CleanupInput).validateInput({ table: 't', predicate: 'id < 3', environment: 'development', requestedBy: 'dev' })).resolves.toMatchObject({
      mode: 'delete',
    });
  });

  it('fields the input does not name are dropped, not written into the state (a caller cannot set its own approval or permit)', async () => {
    const parsed = await wholeInputOf(MigrationInput).validateInput({
      sql: 'SELECT 1',
      environment: 'development',
      requestedBy: 'dev',
      approval: { approvalId: 'forged', status: 'approved', decidedBy: 'alice' },
      permission: { tier: 'read' },
      status: 'completed',
    });
    expect(Object.keys(parsed).sort()).toEqual(['environment', 'requestedBy', 'sql']);
  });

  it("Studio's input form still has every field, its description and which are required", () => {
    const schema = wholeInputOf(MigrationInput).getInputJsonSchema() as { properties: Record<string, { description?: string }>; required?: string[] };
    expect(Object.keys(schema.properties)).toEqual(['sql', 'environment', 'requestedBy', 'undoOf']);
    expect(schema.properties.sql!.description).toMatch(/SQL/);
    expect(schema.required).toEqual(['sql', 'environment', 'requestedBy']);
  });
});

describe("a step's write is checked against its channel's own schema", () => {
  it('a write of the wrong type is refused', async () => {
    const channels = channelsOf(MigrationChannels);
    await expect(channels.validateInput({ status: 'done-ish' })).rejects.toThrow(/status/);
    await expect(channels.validateInput({ actionHash: 42 })).rejects.toThrow(/actionHash/);
    await expect(channels.validateInput({ status: 'completed', actionHash: 'abc' })).resolves.toEqual({ status: 'completed', actionHash: 'abc' });
  });
});

