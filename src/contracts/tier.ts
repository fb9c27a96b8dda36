import { z } from 'zod';

/** Risk tiers, lowest first: read < write (reversible) < destructive (irreversible or breaking) < forbidden. */
export const Tier = z.enum(['read', 'write', 'destructive', 'forbidden']);
export type Tier = z.infer<typeof Tier>;

const ORDER: Record<Tier, number> = { read: 0, write: 1, destructive: 2, forbidden: 3 };

export function highestTier(tiers: Iterable<Tier>): Tier {
  let highest: Tier = 'read';
  for (const tier of tiers) if (ORDER[tier] > ORDER[highest]) highest = tier;
  return highest;
}

/** The higher of two tiers. */
export function higherTier(a: Tier, b: Tier): Tier {
  return ORDER[b] > ORDER[a] ? b : a;
}

/** Is `after` a higher tier than `before`? */
export function tierGrew(before: Tier, after: Tier): boolean {
  return ORDER[after] > ORDER[before];
}
