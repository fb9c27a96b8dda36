import os from 'node:os';
import { readSettings } from '../runtime/config.ts';
import { badInput } from '../contracts/errors.ts';

/** Who asks for a migration: --as, then AIRLOCK_REVIEWER, then the OS user. */
export function requesterFrom(as: string | undefined): string {
  return as?.trim() || readSettings().reviewer || os.userInfo().username;
}

/** Who decides: --as or AIRLOCK_REVIEWER; never guessed, since it is what the audit trail holds to account. */
export function reviewerFrom(as: string | undefined, command: string): string {
  const reviewer = as?.trim() || readSettings().reviewer;
  if (!reviewer) throw badInput(`${command} needs a reviewer: pass --as NAME (or set AIRLOCK_REVIEWER)`);
  return reviewer;
}
