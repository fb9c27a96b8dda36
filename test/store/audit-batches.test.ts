import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateStateSchema } from '../../src/store/schema.ts';
import { appendAudit, appendAuditEntries, auditTrail, verifyAuditChain, type AuditEntry } from '../../src/store/audit.ts';
import { inTransaction } from '../../src/store/transaction.ts';
import { ADVISORY_LOCKS } from '../../src/store/advisory-locks.ts';
import { createScratchDatabase } from '../helpers/database.ts';

// A trail of this file's own: verify walks the whole chain, and other files write theirs meanwhile.
let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let pool: pg.Pool;

beforeAll(async () => {
  scratch = await createScratchDatabase('airlock_audit_batches');
  pool = new pg.Pool({ connectionString: scratch.url, max: 8 });
  pool.on('error', () => {});
  await migrateStateSchema(pool);
});

afterAll(async () => {
  await pool?.end();
  await scratch?.drop();
});

const entry = (threadId: string, step: string, eventKey?: string): AuditEntry => ({
  threadId,
  step,
  actor: 'agent:bot',
  environment: 'development',
  outcome: 'ok',
  message: `${step} of ${threadId}`,
  detail: { step, nested: { list: [1, 2, 3] } },
  ...(eventKey ? { eventKey } : {}),
});

/** Edit a row as an attacker with table rights would: the append-only trigger off for one statement. */
async function asAttacker(sql: string, values: unknown[]) {
  await inTransaction(pool, async (client) => {
    await client.query('ALTER TABLE airlock.audit DISABLE TRIGGER audit_no_update_or_delete');
    await client.query(sql, values);
    await client.query('ALTER TABLE airlock.audit ENABLE TRIGGER audit_no_update_or_delete');
  });
}

describe('audit entries written in batches', () => {
  it('a batch of a step is one INSERT whose rows keep their order and the chain, and a tampered batch row is found', async () => {
    const written = await appendAuditEntries(pool, [entry('batch-1', 'first'), entry('batch-1', 'second'), entry('batch-1', 'third')]);
    expect(written).toEqual([true, true, true]);
    const trail = await auditTrail(pool, 'batch-1');
    expect(trail.map((row) => row.step)).toEqual(['first', 'second', 'third']);
    expect(trail[1]!.detail).toEqual({ step: 'second', nested: { list: [1, 2, 3] } });
    expect(await verifyAuditChain(pool)).toMatchObject({ ok: true });

    // The middle row of the batch changed by hand: its own hash no longer matches.
    await asAttacker('UPDATE airlock.audit SET message = $2 WHERE audit_id = $1', [trail[1]!.audit_id, 'nothing happened']);
    expect(await verifyAuditChain(pool)).toMatchObject({ ok: false, firstBroken: { auditId: trail[1]!.audit_id, problem: expect.stringMatching(/changed/) } });
    await asAttacker('UPDATE airlock.audit SET message = $2 WHERE audit_id = $1', [trail[1]!.audit_id, trail[1]!.message]);
    expect(await verifyAuditChain(pool)).toMatchObject({ ok: true });

    // Deleted: the row after it no longer links.
    await asAttacker('DELETE FROM airlock.audit WHERE audit_id = $1', [trail[1]!.audit_id]);
    expect(await verifyAuditChain(pool)).toMatchObject({ ok: false, firstBroken: { auditId: trail[2]!.audit_id, problem: expect.stringMatching(/deleted/) } });
  });

  it('an entry with an event key is written once however often its step re-runs, in a batch or alone', async () => {
    const step = [entry('rerun-1', 'requested', 'rerun-1:requested'), entry('rerun-1', 'note'), entry('rerun-1', 'decided', 'rerun-1:decided')];
    expect(await appendAuditEntries(pool, step)).toEqual([true, true, true]);
    expect(await appendAuditEntries(pool, step)).toEqual([false, true, false]);
    expect(await appendAudit(pool, step[0]!)).toBe(false);
    // The same key twice in one batch: the first counts, the second is the re-run.
    expect(await appendAuditEntries(pool, [entry('rerun-1', 'twice', 'rerun-1:twice'), entry('rerun-1', 'twice', 'rerun-1:twice')])).toEqual([true, false]);
    const trail = await auditTrail(pool, 'rerun-1');
    expect(trail.map((row) => row.step)).toEqual(['requested', 'note', 'decided', 'note', 'twice']);
  });

  it("a re-run whose entries are all there writes nothing and does not wait for the chain's lock", async () => {
    const step = [entry('no-lock', 'requested', 'no-lock:requested'), entry('no-lock', 'decided', 'no-lock:decided')];
    expect(await appendAuditEntries(pool, step)).toEqual([true, true]);
    const holder = await pool.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCKS.auditChain]);
      const rerun = await inTransaction(pool, async (client) => {
        await client.query("SET LOCAL lock_timeout = '200ms'");
        return appendAuditEntries(client, step);
      });
      expect(rerun).toEqual([false, false]);
      // A new entry does wait for the lock (here: gives up after lock_timeout), so the check above can fail.
      await expect(
        inTransaction(pool, async (client) => {
          await client.query("SET LOCAL lock_timeout = '200ms'");
          return appendAuditEntries(client, [entry('no-lock', 'new')]);
        }),
      ).rejects.toThrow(/lock timeout/);
    } finally {
      await holder.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCKS.auditChain]);
      holder.release();
    }
    expect((await auditTrail(pool, 'no-lock')).map((row) => row.step)).toEqual(['requested', 'decided']);
  });

  it('a batch rolled back with its step leaves nothing, and the chain still holds', async () => {
    await expect(
      inTransaction(pool, async (client) => {
        await appendAuditEntries(client, [entry('rolled-back', 'one'), entry('rolled-back', 'two')]);
        throw new Error('the step failed');
      }),
    ).rejects.toThrow('the step failed');
    expect(await auditTrail(pool, 'rolled-back')).toEqual([]);
    await appendAudit(pool, entry('after-rollback', 'one'));
    // The row written after the rolled-back batch links to the last committed row, not to a row that never was.
    const { rows } = await pool.query<{ linked: boolean }>(
      `SELECT a.prev_hash = (SELECT row_hash FROM airlock.audit b WHERE b.audit_id < a.audit_id ORDER BY audit_id DESC LIMIT 1) AS linked
         FROM airlock.audit a WHERE thread_id = 'after-rollback'`,
    );
    expect(rows).toEqual([{ linked: true }]);
  });

  it('threads writing batches at the same moment leave one chain that verifies', async () => {
    const scratchTrail = await createScratchDatabase('airlock_audit_concurrent');
    const racers = new pg.Pool({ connectionString: scratchTrail.url, max: 8 });
    racers.on('error', () => {});
    try {
      await migrateStateSchema(racers);
      const threads = Array.from({ length: 8 }, (_, index) => `racer-${index}`);
      await Promise.all(
        threads.map(async (threadId) => {
          for (let round = 0; round < 10; round++) {
            const batch = [entry(threadId, `a${round}`), entry(threadId, `b${round}`, `${threadId}:${round}`), entry(threadId, `c${round}`)];
            // Half in a step's own transaction (with another write before the entries), half alone.
            if (round % 2) {
              await inTransaction(racers, async (client) => {
                await client.query('SELECT pg_sleep(0.001)');
                await appendAuditEntries(client, batch);
              });
            } else {
              await appendAuditEntries(racers, batch);
            }
          }
        }),
      );
      expect(await verifyAuditChain(racers)).toEqual({ ok: true, rowsChecked: 8 * 10 * 3 });
      for (const threadId of threads) {
        const steps = (await auditTrail(racers, threadId)).map((row) => row.step);
        expect(steps).toEqual(Array.from({ length: 10 }, (_, round) => [`a${round}`, `b${round}`, `c${round}`]).flat());
      }
      // Rows of one batch are contiguous in the chain: no other thread's row between them.
      const { rows } = await racers.query<{ thread_id: string; step: string }>('SELECT thread_id, step FROM airlock.audit ORDER BY audit_id');
      for (let index = 0; index < rows.length; index += 3) {
        expect(new Set(rows.slice(index, index + 3).map((row) => row.thread_id)).size).toBe(1);
      }
    } finally {
      await racers.end();
      await scratchTrail.drop();
    }
  });
});
