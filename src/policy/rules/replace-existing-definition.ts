import { replacedObjects } from '../../sql/definitions.ts';
import { lookUpExisting } from '../target-catalogue.ts';
import type { Rule } from './rule.ts';

/**
 * CREATE OR REPLACE of a function, procedure, view, rule or trigger that
 * already exists overwrites its definition, and whatever calls it (an
 * ordinary SELECT included) does the new thing from then on. The classify
 * step looks the object up in the target; its old definition is kept in the
 * backup before the statement runs, so `airlock undo` can put it back.
 */
export const replaceExistingDefinition: Rule = {
  name: 'replace-existing-definition',
  kinds: new Set(['CreateFunctionStmt', 'ViewStmt', 'RuleStmt', 'CreateTrigStmt']),
  tier: 'destructive',
  message:
    'CREATE OR REPLACE overwrites a definition that exists in the target, and everything that calls it does the new thing from then on: its old definition is kept for airlock undo; check who uses it',
  check({ kind, node, script }) {
    for (const object of replacedObjects(kind, node)) {
      const existing = lookUpExisting(script.catalogue, script.searchPath, object);
      if (existing) return { detail: `replaces ${existing.kind} ${existing.identity}` };
    }
    return false;
  },
};
