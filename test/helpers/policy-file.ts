import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Write a policy file to a temporary directory and return its path. */
export function writePolicy(policy: unknown): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'airlock-policy-')), 'airlock.policy.json');
  fs.writeFileSync(file, typeof policy === 'string' ? policy : JSON.stringify(policy, null, 2));
  return file;
}

/** A strict policy for tests: production writes need a dba or lead, destructive needs a dba and the token. */
export const STRICT_POLICY = {
  environments: {
    production: {
      tiers: { read: 'allow', write: { approve: { roles: ['dba', 'lead'] } }, destructive: { approve: { roles: ['dba'], token: true } } },
    },
    development: { aliases: ['dev'], tiers: { read: 'allow', write: 'allow', destructive: 'block' }, fourEyes: false },
  },
  reviewers: { alice: { roles: ['dba'] }, bob: { roles: ['developer'] }, carol: { roles: ['lead'] } },
  agents: { 'cleanup-bot': { tools: ['migrate'], environments: ['development'] } },
};
