import os from 'node:os';
import { readSettings } from '../runtime/config.ts';
import { badInput } from '../contracts/errors.ts';
import { principalName } from '../policy/principal-name.ts';

/** A name given on the command line, normalised (principal-name.ts), or bad input that says what to type instead. */
function accepted(name: string, where: string): string {
  const named = principalName(name);
  if (!named.ok) throw badInput(`${where}: ${named.message} (nothing was run)`, named.code);
  return named.name;
}

/** Who asks for a migration: --as, then AIRLOCK_REVIEWER, then the OS user. */
export function requesterFrom(as: string | undefined): string {
  return accepted(as?.trim() || readSettings().reviewer || os.userInfo().username, as?.trim() ? '--as' : 'the requester');
}

/** Who decides: --as or AIRLOCK_REVIEWER; never guessed, since it is what the audit trail holds to account. */
export function reviewerFrom(as: string | undefined, command: string): string {
  const reviewer = as?.trim() || readSettings().reviewer;
  if (!reviewer) throw badInput(`${command} needs a reviewer: pass --as NAME (or set AIRLOCK_REVIEWER)`);
  return accepted(reviewer, as?.trim() ? '--as' : 'AIRLOCK_REVIEWER');
}
