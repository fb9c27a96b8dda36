/**
 * Fault injection for crash tests: with AIRLOCK_FAULT=<point>, the process
 * kills itself with SIGKILL when it reaches that point, as a power cut or an
 * OOM kill would. Off unless the variable is set; compiled into the runtime
 * so the tests exercise the real `airlock` binary.
 *
 *   before-execute    the action is approved, nothing has run yet
 *   after-commit      the effect is committed, the checkpoint saying so is not written
 *   after-checkpoint  the effect and its checkpoint are written, the audit step has not run
 *   during-backup     rows are being copied aside before an irreversible action (cleanup)
 */
export const FAULT_POINTS = ['before-execute', 'after-commit', 'after-checkpoint', 'during-backup'] as const;
export type FaultPoint = (typeof FAULT_POINTS)[number];

export function faultPoint(point: FaultPoint): void {
  if (process.env.AIRLOCK_FAULT !== point) return;
  process.stderr.write(`airlock: AIRLOCK_FAULT=${point}: killing this process now (a test of crash recovery)\n`);
  process.kill(process.pid, 'SIGKILL');
}
