import type { Rule } from './rule.ts';

// The statement kinds that start as reads (statement-kinds.ts): a read is only a
// read when every node of its tree is on the allow-list.
const READ_STATEMENTS = new Set(['SelectStmt', 'ExplainStmt', 'VariableShowStmt', 'PrepareStmt', 'DeallocateStmt', 'CopyStmt']);

export const readAllowList: Rule = {
  name: 'read-allow-list',
  kinds: READ_STATEMENTS,
  tier: 'write',
  message: 'this statement contains something Airlock does not know to only read, so it is treated as a write: a read is only what is on the allow-list of node kinds and catalogue functions',
  check({ facts }) {
    return facts.notReadKind !== undefined && { detail: facts.notReadKind };
  },
};
