import type pg from 'pg';

/**
 * Fill airlock.approvals with `pending` pending and `decided` decided rows in
 * one statement each (generate_series), shaped like the rows the line writes:
 * a cleanup's action JSON with its statement verdicts, a blast radius with
 * three sample rows, the permit and the undo path (about 1.3 KB a row with
 * its SQL, as the 12.7 MB for 10,000 pending the issue measured), and times
 * that repeat in threes, so the id has ties to break. Ids are `apr-` and ten
 * hex digits, as approvalIdFor makes them; `prefix` keeps fills apart.
 */
export async function fillApprovals(db: Pick<pg.Pool, 'query'>, counts: { pending: number; decided: number; prefix?: string; from?: string }): Promise<void> {
  const prefix = counts.prefix ?? 'bench';
  const from = counts.from ?? '2026-11-01T00:00:00Z';
  const insert = (status: string, n: number, offset: number) =>
    db.query(
      `INSERT INTO airlock.approvals (approval_id, thread_id, status, environment, tier, summary, sql, action, action_hash,
         confirmation_token, token_required, requested_by, requested_at, decided_by, decided_at, reason, outcome)
       SELECT 'apr-' || substr(md5($3 || i), 1, 10), $3 || '-thread-' || i,
              CASE WHEN $1 = 'pending' THEN 'pending' ELSE (ARRAY['approved', 'rejected', 'edited'])[1 + i % 3] END,
              (ARRAY['production', 'staging'])[1 + i % 2], 'destructive',
              'DELETE FROM app.sessions WHERE created_at < now() - interval ''30 days'' AND user_id = ' || i,
              'DELETE FROM app.sessions WHERE created_at < now() - interval ''30 days'' AND user_id = ' || i || E';\n-- cleanup of expired sessions for one user, requested by the agent after the nightly report',
              jsonb_build_object(
                'kind', 'cleanup', 'target', 'localhost:5432/app', 'environment', 'production',
                'statements', jsonb_build_array(jsonb_build_object(
                  'kind', 'DeleteStmt', 'tier', 'destructive', 'tables', jsonb_build_array('app.sessions'), 'filtered', true,
                  'lock', 'ROW EXCLUSIVE', 'rules', jsonb_build_array('delete-needs-approval'),
                  'reasons', jsonb_build_array('deletes rows from app.sessions; filtered by a WHERE clause', 'production needs a reviewer'),
                  'text', 'DELETE FROM app.sessions WHERE created_at < now() - interval ''30 days'' AND user_id = ' || i)),
                'blastRadius', jsonb_build_object(
                  'rows', 30 + i % 100, 'table_rows', 1000 + i % 5000, 'pct', round(((30 + i % 100) * 100.0 / (1000 + i % 5000))::numeric, 1),
                  'estimated', i % 10 = 0, 'duration_ms', 3 + i % 40, 'table', 'app.sessions',
                  'samples', (SELECT jsonb_agg(jsonb_build_object('id', i * 10 + s, 'user_id', i, 'token', md5((i * 10 + s)::text),
                                 'created_at', '2026-10-01T10:00:00Z', 'user_agent', 'Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0'))
                              FROM generate_series(1, 3) s)),
                'permit', jsonb_build_object('roles', jsonb_build_array('reviewer'), 'fourEyes', true),
                'undo', 'the deleted rows are kept in airlock_backup.act_' || substr(md5($3 || i), 1, 12) || ' for airlock undo'),
              md5('hash' || $3 || i), to_char(now(), 'YYYYMMDD') || '-delete-sessions-' || substr(md5($3 || i), 1, 4), true,
              'agent:claude', $4::timestamptz + (((i - $2::int) / 3) * interval '1 second'),
              CASE WHEN $1 = 'pending' THEN NULL ELSE 'alice' END,
              CASE WHEN $1 = 'pending' THEN NULL ELSE $4::timestamptz + (((i - $2::int) / 3) * interval '1 second') + interval '5 minutes' END,
              CASE WHEN $1 = 'pending' THEN NULL ELSE 'looked fine' END,
              CASE WHEN $1 = 'pending' THEN NULL ELSE 'completed' END
         FROM generate_series($2::int + 1, $2::int + $5::int) i`,
      [status, offset, prefix, from, n],
    );
  // Both start at `from`: decided rows are interleaved in time with the pending ones (ids from another range).
  if (counts.decided > 0) await insert('decided', counts.decided, 0);
  if (counts.pending > 0) await insert('pending', counts.pending, counts.decided);
  await db.query('ANALYZE airlock.approvals');
}
