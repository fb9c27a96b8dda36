import { describeRadius } from '../../policy/blast-radius.ts';
import type { Command } from 'commander';
import { useAirlockWorld } from '../../runtime/airlock.ts';
import { inboxPage } from '../../store/approvals.ts';
import { badInput, ExitCode } from '../../contracts/errors.ts';
import { decodeInboxCursor, encodeInboxCursor, INBOX_LIMITS, parseInboxLimit } from '../../policy/inbox-page.ts';
import type { InboxPosition } from '../../contracts/inbox-page.ts';
import { age, runCommand } from '../output.ts';

export function registerInbox(program: Command): void {
  program
    .command('inbox')
    .description('pending approvals, oldest first, a page at a time')
    .option('--limit <n>', `how many on this page (default ${INBOX_LIMITS.defaultLimit}, at most ${INBOX_LIMITS.maxLimit})`)
    .option('--after <cursor>', 'the page after this one: the next_cursor an earlier page printed')
    .option('--json', 'print one JSON object')
    .action(async (options: { limit?: string; after?: string; json?: boolean }) =>
      runCommand(options, async () => {
        // Both are checked before anything connects: bad input costs no database round trip.
        const limit = parseInboxLimit(options.limit);
        if (!limit.ok) throw badInput(limit.refusal.message, limit.refusal.code);
        let after: InboxPosition | undefined;
        if (options.after !== undefined) {
          const cursor = decodeInboxCursor(options.after);
          if (!cursor.ok) throw badInput(cursor.refusal.message, cursor.refusal.code);
          after = cursor.value;
        }
        const airlock = await useAirlockWorld();
        const now = airlock.clock();
        const page = await inboxPage(airlock.databases.state, { after, limit: limit.value });
        const approvals = page.approvals.map((approval) => ({
          approval_id: approval.approval_id,
          thread_id: approval.thread_id,
          environment: approval.environment,
          tier: approval.tier,
          summary: approval.summary,
          requested_by: approval.requested_by,
          requested_at: approval.requested_at.toISOString(),
          age: age(approval.requested_at, now),
          token_required: approval.token_required,
          ...(approval.blast_radius ? { blast_radius: approval.blast_radius } : {}),
        }));
        const last = page.approvals.at(-1);
        const nextCursor = page.hasMore && last ? encodeInboxCursor({ requested_at: last.sort_at, approval_id: last.approval_id }) : null;
        // Repeat the caller's own --limit in the next command, so each page is the size they asked for.
        const limitFlag = options.limit === undefined ? '' : ` --limit ${limit.value}`;
        const text = approvals.length
          ? [
              `${approvals.length} pending approval${approvals.length > 1 ? 's' : ''}${after ? ' after the cursor' : ''}, oldest first:`,
              ...approvals.map(
                (a) =>
                  `  ${a.approval_id}  ${a.age.padStart(4)}  ${a.environment}  ${a.tier}  by ${a.requested_by}: ${a.summary}${
                    a.blast_radius ? ` [${describeRadius(a.blast_radius)}]` : ''
                  }`,
              ),
              ...(nextCursor ? [`More are pending: airlock inbox${limitFlag} --after ${nextCursor}`] : []),
              'Run "airlock show ID" to see the whole action and its confirmation token.',
            ].join('\n')
          : after
            ? 'No pending approvals after the cursor.'
            : 'No pending approvals.';
        return { json: { approvals, next_cursor: nextCursor, has_more: page.hasMore }, text, exitCode: ExitCode.done };
      }),
    );
}
