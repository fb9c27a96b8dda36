import type { Command } from 'commander';
import { parseInstant } from '../../policy/clock.ts';
import { readThreadExport } from '../../contracts/thread-export.ts';
import { badInput } from '../../contracts/errors.ts';
import { replayExport, type ReplayOutcome } from '../../threads/replay.ts';
import { runningVersions } from '../../runtime/versions.ts';
import { indent, runCommand } from '../output.ts';
import { readInput } from '../read-sql.ts';
import { renderOutcome } from '../render-outcome.ts';

const DECISIONS = ['approve', 'reject'] as const;

async function readExportFile(file: string): Promise<unknown> {
  const text = await readInput(file, 'a thread written by "airlock export THREAD"');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badInput(`${file} is not JSON (${(error as Error).message}): pass a file written by "airlock export THREAD"`);
  }
}

function renderReplay(outcome: ReplayOutcome) {
  const rendered = renderOutcome(outcome, { rejectedIsSuccess: true });
  const { replay } = outcome;
  const effects =
    replay.effects === 'rolled back'
      ? `its effects ran on ${replay.target} in a transaction that was rolled back: nothing changed there`
      : replay.effects === 'committed'
        ? `its effects were committed to ${replay.target} (named with --target)`
        : 'no effects ran';
  const text = [
    `REPLAY of ${replay.recorded_thread} (${replay.graph}, recorded with Airlock ${replay.recorded_with.airlock}, LangGraph ${replay.recorded_with.langgraph})`,
    indent([
      `decision: ${replay.decision ?? '(none: loaded and reported only)'}, judged at ${replay.decided_at}; nodes run: ${replay.nodes_run.join(' → ') || '(none)'}`,
      `${effects}; state in scratch database ${replay.state_database}${replay.kept ? ' (kept)' : ' (dropped)'}`,
    ]),
    rendered.text,
  ].join('\n');
  return { ...rendered, text, json: { ...rendered.json, replay } };
}

export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description('resume a recorded thread (airlock export) in a scratch database; its effects are rolled back unless --target names a database')
    .argument('<file>', 'a file written by airlock export, or - for stdin')
    .option('--decision <decision>', 'answer the recorded pause: approve or reject (without it: load and report only)')
    .option('--as <who>', 'who decides in the replay (default: replay)')
    .option('--reason <text>', 'the reason, for --decision reject')
    .option('--target <url>', 'run the effects for real against this database (a scratch copy, never production)')
    .option('--at <time>', 'decide as if at this time (an instant with its zone, e.g. 2026-11-24T09:00:00Z); default: when the recording was taken')
    .option('--keep', 'keep the scratch state database afterwards, for a post-mortem')
    .option('--json', 'print one JSON object')
    .action(
      async (
        file: string,
        options: { decision?: string; as?: string; reason?: string; target?: string; at?: string; keep?: boolean; json?: boolean },
      ) =>
        runCommand(options, async () => {
          const decision = options.decision?.trim();
          if (decision !== undefined && !DECISIONS.includes(decision as (typeof DECISIONS)[number])) {
            throw badInput(`--decision must be approve or reject, not "${decision}" (nothing was replayed)`);
          }
          const at = options.at === undefined ? undefined : parseInstant(options.at);
          if (options.at !== undefined && !at) {
            throw badInput(`--at takes an instant with its zone, like 2026-11-24T09:00:00Z, not "${options.at}" (nothing was replayed)`);
          }
          const read = readThreadExport(await readExportFile(file), runningVersions());
          if (!read.ok) throw badInput(`cannot replay ${file}: ${read.refusal.message}`, read.refusal.code);
          const outcome = await replayExport(read.value, {
            ...(decision ? { decision: decision as 'approve' | 'reject' } : {}),
            ...(options.as?.trim() ? { reviewer: options.as.trim() } : {}),
            ...(options.reason ? { reason: options.reason } : {}),
            ...(options.target ? { targetUrl: options.target } : {}),
            ...(options.keep ? { keep: true } : {}),
            ...(at ? { at } : {}),
          });
          return renderReplay(outcome);
        }),
    );
}
