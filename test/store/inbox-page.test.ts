import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateStateSchema } from '../../src/store/schema.ts';
import { inboxPage, inboxPageQuery } from '../../src/store/approvals.ts';
import { fillApprovals } from '../../bench/inbox-fill.ts';
import { createScratchDatabase } from '../helpers/database.ts';

// A state database of this file's own: the inbox is every pending row, so no other test's may be in it.
let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let db: pg.Pool;

beforeAll(async () => {
  scratch = await createScratchDatabase('airlock_inbox');
  db = new pg.Pool({ connectionString: scratch.url, max: 2 });
  db.on('error', () => {});
  await migrateStateSchema(db);
  // Enough rows that a plan which sorts, or reads decided rows, would not be the cheap one by accident.
  await fillApprovals(db, { pending: 3_000, decided: 20_000 });
});

afterAll(async () => {
  await db?.end();
  await scratch?.drop();
});

type PlanNode = { 'Node Type': string; 'Index Name'?: string; 'Sort Method'?: string; Plans?: PlanNode[] };
function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

async function planOf(query: { text: string; values: unknown[] }) {
  const { rows } = await db.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${query.text}`, query.values);
  return rows[0]['QUERY PLAN'][0] as { Plan: PlanNode; 'Execution Time': number };
}

describe('the inbox query', () => {
  it('reads the first page and the next by one scan of the inbox index, with no sort', async () => {
    const first = await inboxPage(db, { limit: 50 });
    const last = first.approvals.at(-1)!;
    for (const query of [inboxPageQuery({ limit: 50 }), inboxPageQuery({ limit: 50, after: { requested_at: last.sort_at, approval_id: last.approval_id } })]) {
      const plan = await planOf(query);
      const types = nodes(plan.Plan).map((node) => node['Node Type']);
      expect(types, JSON.stringify(plan.Plan)).toEqual(['Limit', 'Index Scan']);
      expect(nodes(plan.Plan)[1]!['Index Name']).toBe('approvals_inbox_idx');
    }
  });

  it('pages through every pending approval once, in (requested_at, approval_id) order, and no decided one', async () => {
    const { rows: expected } = await db.query<{ approval_id: string }>(
      "SELECT approval_id FROM airlock.approvals WHERE status = 'pending' ORDER BY requested_at, approval_id",
    );
    const seen: string[] = [];
    let after: { requested_at: string; approval_id: string } | undefined;
    for (;;) {
      const page = await inboxPage(db, { limit: 500, after });
      seen.push(...page.approvals.map((a) => a.approval_id));
      if (!page.hasMore) break;
      const last = page.approvals.at(-1)!;
      after = { requested_at: last.sort_at, approval_id: last.approval_id };
    }
    expect(seen).toEqual(expected.map((row) => row.approval_id));
    expect(seen).toHaveLength(3_000);
  });

  it('keeps the microseconds: rows a microsecond apart are neither shown twice nor skipped', async () => {
    const at = (us: number) => `2027-01-01T00:00:00.00000${us}Z`;
    for (const [id, us] of [['apr-us-b', 1], ['apr-us-a', 2], ['apr-us-c', 2], ['apr-us-d', 3]] as const) {
      await db.query(
        `INSERT INTO airlock.approvals (approval_id, thread_id, status, environment, tier, summary, sql, action, action_hash, confirmation_token, token_required, requested_by, requested_at)
         VALUES ($1, 't-us', 'pending', 'production', 'write', 's', 'UPDATE t SET x = 1', '{}', 'h', 'tok', false, 'dev', $2)`,
        [id, at(us)],
      );
    }
    const ids: string[] = [];
    let after = { requested_at: '2026-12-31T23:59:59.999999Z', approval_id: 'z' };
    for (;;) {
      const page = await inboxPage(db, { limit: 1, after });
      ids.push(...page.approvals.map((a) => a.approval_id));
      const last = page.approvals.at(-1);
      if (!last) break;
      after = { requested_at: last.sort_at, approval_id: last.approval_id };
    }
    // The three JavaScript Dates are the same millisecond; the cursor tells them apart.
    expect(ids).toEqual(['apr-us-b', 'apr-us-a', 'apr-us-c', 'apr-us-d']);
    await db.query("DELETE FROM airlock.approvals WHERE thread_id = 't-us'");
  });

  it('leaves the action JSON and the SQL in the database: a page holds only what the inbox shows', async () => {
    const page = await inboxPage(db, { limit: 1 });
    expect(Object.keys(page.approvals[0]!).sort()).toEqual(
      ['approval_id', 'blast_radius', 'environment', 'requested_at', 'requested_by', 'sort_at', 'summary', 'thread_id', 'tier', 'token_required'],
    );
    expect(Object.keys(page.approvals[0]!.blast_radius!).sort()).toEqual(['estimated', 'pct', 'rows', 'table_rows']);
    // What goes over the wire: a page of 50 against the same rows read whole (SELECT *).
    const { rows: whole } = await db.query("SELECT * FROM airlock.approvals WHERE status = 'pending' ORDER BY requested_at, approval_id LIMIT 50");
    const { rows: shown } = await db.query(inboxPageQuery({ limit: 49 }).text, inboxPageQuery({ limit: 49 }).values);
    expect(JSON.stringify(shown).length * 3).toBeLessThan(JSON.stringify(whole).length);
  });
});
