import type { Rule } from './rule.ts';

// Past a limit the classifier cannot see everything a statement runs, so it
// fails closed: a statement it could not judge whole is never a lower tier.
export const nestingLimit: Rule = {
  name: 'nesting-limit',
  tier: 'forbidden',
  message: 'this nests deeper than Airlock judges (DO or function bodies inside each other, EXECUTE of EXECUTE, or an expression nested hundreds of levels): what runs innermost cannot be reviewed: write the statements out',
  check: ({ limitExceeded }) => limitExceeded !== undefined && { detail: limitExceeded },
};
