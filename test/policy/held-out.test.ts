import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Tier } from '../../src/contracts/tier.ts';

/**
 * The held-out set bench/classify.ts scores (corpus/held-out.tsv) stays held
 * out: well-formed labels, and none of its texts in the corpus the rules are
 * tested against. Its agreement with the classifier is a benchmark figure, not
 * a test: a test that had to pass would make it one more tuning set.
 */

const read = (file: string) =>
  fs
    .readFileSync(path.resolve(import.meta.dirname, 'corpus', file), 'utf8')
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('#'))
    .map((line) => line.split('\t'));

describe('the held-out classification set', () => {
  const heldOut = read('held-out.tsv');

  it('every line is a tier (or low..high, low first), no rules, and the SQL', () => {
    expect(heldOut.length).toBeGreaterThanOrEqual(150);
    for (const [tiers, rules, ...sql] of heldOut) {
      const [low, high = low] = tiers!.split('..');
      expect(Tier.options, tiers).toContain(low);
      expect(Tier.options, tiers).toContain(high);
      expect(Tier.options.indexOf(low as Tier), tiers).toBeLessThanOrEqual(Tier.options.indexOf(high as Tier));
      expect(rules).toBe('-');
      expect(sql.join('\t').trim().length).toBeGreaterThan(0);
    }
  });

  it('none of its texts is in the corpus, and none twice', () => {
    const normal = (sql: string) => sql.replace(/\s+/g, ' ').trim().toLowerCase();
    const corpus = new Set(read('statements.tsv').map(([, , ...sql]) => normal(sql.join('\t'))));
    const texts = heldOut.map(([, , ...sql]) => normal(sql.join('\t')));
    expect(texts.filter((text) => corpus.has(text))).toEqual([]);
    expect(new Set(texts).size).toBe(texts.length);
  });

  it('covers every tier', () => {
    const lows = new Set(heldOut.map(([tiers]) => tiers!.split('..')[0]));
    expect([...lows].sort()).toEqual([...Tier.options].sort());
  });
});
