import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli } from '../helpers/cli.ts';
import { createScratchDatabase } from '../helpers/database.ts';
import { freePort } from '../helpers/ports.ts';
import { fillApprovals } from '../../bench/inbox-fill.ts';
import { migrateStateSchema } from '../../src/store/schema.ts';

// A state database of this file's own (DATABASE_URL for the CLI): the inbox lists every pending
// approval, and the suite's shared one holds other files' too.
let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let db: pg.Pool;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  scratch = await createScratchDatabase('airlock_inbox_cli');
  db = new pg.Pool({ connectionString: scratch.url, max: 2 });
  db.on('error', () => {});
  await migrateStateSchema(db);
  // 60 pending (times repeat in threes: the id breaks the ties) among 200 decided.
  await fillApprovals(db, { pending: 60, decided: 200 });
  env = cliEnv({ DATABASE_URL: scratch.url, TARGET_DATABASE_URL: undefined });
});

afterAll(async () => {
  await db?.end();
  await scratch?.drop();
});

async function pendingInOrder(): Promise<string[]> {
  const { rows } = await db.query<{ approval_id: string }>("SELECT approval_id FROM airlock.approvals WHERE status = 'pending' ORDER BY requested_at, approval_id");
  return rows.map((row) => row.approval_id);
}

function oneLine(text: string): string {
  const lines = text.trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

describe('airlock inbox, a page at a time', () => {
  it('shows 50 by default, oldest first, says more exist and gives the cursor for the next page', async () => {
    const first = await runCli(['inbox', '--json'], { env });
    expect(first.code, first.stderr).toBe(0);
    expect(first.json.approvals).toHaveLength(50);
    expect(first.json.has_more).toBe(true);
    expect(first.json.next_cursor).toMatch(/^c1\.[A-Za-z0-9_-]+$/);
    const rest = await runCli(['inbox', '--json', '--after', first.json.next_cursor], { env });
    expect(rest.json.approvals).toHaveLength(10);
    expect(rest.json).toMatchObject({ has_more: false, next_cursor: null });
    expect([...first.json.approvals, ...rest.json.approvals].map((a: any) => a.approval_id)).toEqual(await pendingInOrder());
  });

  it('--limit N pages through every pending approval once, none decided, each with only what the inbox shows', async () => {
    const seen: any[] = [];
    const pages: number[] = [];
    let after: string | undefined;
    do {
      const page = await runCli(['inbox', '--json', '--limit', '25', ...(after ? ['--after', after] : [])], { env });
      expect(page.code, page.stderr).toBe(0);
      seen.push(...page.json.approvals);
      pages.push(page.json.approvals.length);
      after = page.json.has_more ? page.json.next_cursor : undefined;
    } while (after);
    expect(pages).toEqual([25, 25, 10]);
    expect(seen.map((a) => a.approval_id)).toEqual(await pendingInOrder());
    for (const entry of seen) {
      expect(Object.keys(entry).sort()).toEqual(
        ['age', 'approval_id', 'blast_radius', 'environment', 'requested_at', 'requested_by', 'summary', 'thread_id', 'tier', 'token_required'],
      );
      expect(Object.keys(entry.blast_radius).sort()).toEqual(['estimated', 'pct', 'rows', 'table_rows']);
    }
  });

  it('an approval decided between two pages moves nothing: the next page starts after the cursor, not at an offset', async () => {
    const first = await runCli(['inbox', '--json', '--limit', '5'], { env });
    const order = await pendingInOrder();
    // A reviewer decides two rows of the first page and the first of the second while the next page is fetched.
    const decided = [order[0], order[1], order[5]];
    await db.query("UPDATE airlock.approvals SET status = 'approved', decided_by = 'alice', decided_at = now() WHERE approval_id = ANY($1)", [decided]);
    try {
      const second = await runCli(['inbox', '--json', '--limit', '5', '--after', first.json.next_cursor], { env });
      expect(second.json.approvals.map((a: any) => a.approval_id)).toEqual(order.slice(6, 11));
    } finally {
      await db.query("UPDATE airlock.approvals SET status = 'pending', decided_by = NULL, decided_at = NULL WHERE approval_id = ANY($1)", [decided]);
    }
  });

  it('the text page says how to get the next one, and that command gives it', async () => {
    const first = await runCli(['inbox', '--limit', '40'], { env });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^40 pending approvals, oldest first:/);
    const next = /^More are pending: airlock (inbox --limit 40 --after c1\.[A-Za-z0-9_-]+)$/m.exec(first.stdout);
    expect(next, first.stdout).not.toBeNull();
    const second = await runCli(next![1]!.split(' '), { env });
    expect(second.stdout).toMatch(/^20 pending approvals after the cursor, oldest first:/);
    expect(second.stdout).not.toMatch(/More are pending/);
    const ids = [first.stdout, second.stdout].flatMap((text) => [...text.matchAll(/^ {2}(apr-[0-9a-f]{10}) /gm)].map((m) => m[1]));
    expect(ids).toEqual(await pendingInOrder());
  });

  it('a cursor written by hand is only a place in the order: before everything it is the first page, after everything nothing, never a decided row', async () => {
    const cursor = (at: string) => `c1.${Buffer.from(JSON.stringify([at, 'a'])).toString('base64url')}`;
    const first = await runCli(['inbox', '--json', '--limit', '500'], { env });
    const early = await runCli(['inbox', '--json', '--limit', '500', '--after', cursor('1970-01-01T00:00:00.000000Z')], { env });
    expect(early.json).toEqual(first.json);
    const late = await runCli(['inbox', '--after', cursor('9999-01-01T00:00:00.000000Z')], { env });
    expect(late.code).toBe(0);
    expect(late.stdout.trim()).toBe('No pending approvals after the cursor.');
  });

  const refusals: [string, string[], RegExp][] = [
    ['a page of 0', ['--limit', '0'], /--limit takes a whole number from 1 to 500, not "0"/],
    ['a negative page', ['--limit', '-5'], /--limit takes a whole number from 1 to 500, not "-5"/],
    ['a page over the hard maximum', ['--limit', '501'], /not "501"/],
    ['a huge page', ['--limit', '100000000000000000000'], /not "100000000000000000000"/],
    ['a page that is no number', ['--limit', 'all'], /not "all"/],
    ['a page with SQL', ['--limit', '5; DROP TABLE airlock.approvals'], /not "5; DROP TABLE airlock.approvals"/],
    ['a cursor that is not one', ['--after', 'page-2'], /--after takes the next_cursor an earlier "airlock inbox" printed/],
    ['a cursor of SQL', ['--after', "'); DROP TABLE airlock.approvals; --"], /--after takes the next_cursor/],
    ['a cursor with SQL encoded in it', ['--after', `c1.${Buffer.from(JSON.stringify(['2026-12-01T00:00:00.000000Z', "x') OR status <> ('pending"])).toString('base64url')}`], /--after takes the next_cursor/],
    ['a cursor cut short', ['--after', 'c1.WyIyMDI2LTEy'], /--after takes the next_cursor/],
  ];
  it.each(refusals)('refuses %s: one line, exit 2, and nothing connects', async (_, args, message) => {
    // The database named here does not exist: bad input must be refused before any connection.
    const nowhere = cliEnv({ DATABASE_URL: `postgres://nobody@127.0.0.1:${await freePort()}/none`, TARGET_DATABASE_URL: undefined });
    const result = await runCli(['inbox', ...args], { env: nowhere });
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toMatch(message);
    expect(result.stdout).toBe('');
    const json = await runCli(['inbox', '--json', ...args], { env: nowhere });
    expect(json.code).toBe(2);
    expect(json.json).toEqual({ error: expect.stringMatching(message), exit_code: 2 });
  });

  it('after all of that the approvals are all there', async () => {
    expect((await db.query("SELECT count(*)::int AS n FROM airlock.approvals WHERE status = 'pending'")).rows[0].n).toBe(60);
  });
});
