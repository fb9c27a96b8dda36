import { beforeAll, describe, expect, it } from 'vitest';
import { planCleanup } from '../../src/policy/cleanup-request.ts';
import { loadSqlParser } from '../../src/sql/parse-sql.ts';

beforeAll(() => loadSqlParser());

describe('a cleanup filter that can pick other rows on a second evaluation is refused (unstable-predicate)', () => {
  it.each([
    ['id IN (SELECT id FROM s ORDER BY random() LIMIT 30)', /random\(\).*LIMIT|LIMIT.*random\(\)/s],
    ['id = nextval(\'seq\')', /unstable-predicate|must only read/],
    ["created_at < clock_timestamp() - interval '30 days'", /clock_timestamp\(\)/],
    ['id IN (SELECT id FROM s TABLESAMPLE SYSTEM (1))', /TABLESAMPLE/],
    ['id IN (SELECT id FROM s ORDER BY id LIMIT 10)', /LIMIT/],
    ['id IN (SELECT id FROM s OFFSET 5)', /LIMIT\/OFFSET/],
    ['token = gen_random_uuid()::text', /gen_random_uuid\(\)/],
  ])('%s', (where, reason) => {
    const plan = planCleanup('public.sessions', where);
    expect(plan.ok).toBe(false);
    expect(!plan.ok && plan.refusal.message).toMatch(reason);
  });

  it.each([["created_at < now() - interval '30 days'"], ['id IN (SELECT id FROM s WHERE flag)'], ["status = 'stale'"]])('%s stays allowed', (where) => {
    expect(planCleanup('public.sessions', where)).toMatchObject({ ok: true });
  });

  it('the DELETE and the archive INSERT are built from the tree: a comment in --where never reaches them', () => {
    const plan = planCleanup('public.sessions', 'id < 3 /* old */', 'archive', "thread'1");
    expect(plan.ok && plan.value.sql).toBe(
      `CREATE TABLE IF NOT EXISTS "public"."sessions_archive" (LIKE "public"."sessions" INCLUDING DEFAULTS, airlock_thread_id text NOT NULL, airlock_archived_at timestamptz NOT NULL DEFAULT now());\nINSERT INTO public.sessions_archive SELECT\n  public.sessions.*,\n  'thread''1'\nFROM public.sessions\nWHERE\n  id < 3;\nDELETE FROM public.sessions WHERE id < 3;`,
    );
  });
});
