import type { Rule } from './rule.ts';

export const copyProgram: Rule = {
  name: 'copy-program',
  kinds: new Set(['CopyStmt']),
  tier: 'forbidden',
  message: 'COPY … PROGRAM runs a shell command on the database server: never through Airlock',
  check: ({ kind, node }) => kind === 'CopyStmt' && Boolean(node.is_program),
};
