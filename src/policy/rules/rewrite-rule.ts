import type { Rule } from './rule.ts';

// Actions that change or remove rows that already exist.
const OVERWRITES = new Set(['DeleteStmt', 'UpdateStmt', 'MergeStmt']);

/**
 * `CREATE RULE … DO ALSO DELETE FROM users` turns every later INSERT into a
 * DELETE nobody reviews; `DO INSTEAD NOTHING` silences writes (an append-only
 * audit table stops recording, its trigger untouched). Judged when defined,
 * since nothing looks at it when it runs. The actions themselves are also
 * classified like statements of their own.
 */
export const rewriteRule: Rule = {
  name: 'rewrite-rule',
  kinds: new Set(['RuleStmt']),
  tier: 'destructive',
  message:
    'CREATE RULE makes every later statement on the table also (or instead) run its action, unseen by whoever runs them: DO INSTEAD replaces or silences writes, DO ALSO DELETE/UPDATE changes rows nobody asked about; write the statements out, or a trigger you review',
  check({ kind, node }) {
    if (kind !== 'RuleStmt') return false;
    const actions = (node.actions ?? []).map((action) => Object.keys(action)[0] ?? '');
    if (node.instead) return { detail: actions.length ? `DO INSTEAD ${actions.join(', ')}` : 'DO INSTEAD NOTHING' };
    const overwriting = actions.filter((kind) => OVERWRITES.has(kind));
    return overwriting.length > 0 && { detail: `DO ALSO ${overwriting.join(', ')}` };
  },
};
