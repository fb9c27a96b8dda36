import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { classifySql } from '../../src/policy/classify.ts';
import { loadSqlParser } from '../../src/sql/parse-sql.ts';
import { Tier } from '../../src/contracts/tier.ts';

/**
 * The labelled corpus: one case a line, `tier<TAB>rules<TAB>sql`.
 * tier: one tier, or `low..high` where either is acceptable.
 * rules: names that must fire, `!name` for one that must not, `parse-error`, or `-`.
 */
export interface CorpusCase {
  line: number;
  low: Tier;
  high: Tier;
  mustFire: string[];
  mustNotFire: string[];
  parseError: boolean;
  sql: string;
}

export function loadCorpus(): CorpusCase[] {
  const file = path.resolve(import.meta.dirname, 'corpus/statements.tsv');
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((text, index) => ({ text, line: index + 1 }))
    .filter(({ text }) => text.trim() && !text.startsWith('#'))
    .map(({ text, line }) => {
      const [tierSpec, ruleSpec, ...rest] = text.split('\t');
      const [low, high = low] = tierSpec!.split('..');
      const rules = ruleSpec === '-' ? [] : ruleSpec!.split(',');
      return {
        line,
        low: Tier.parse(low),
        high: Tier.parse(high),
        mustFire: rules.filter((rule) => !rule.startsWith('!') && rule !== 'parse-error'),
        mustNotFire: rules.filter((rule) => rule.startsWith('!')).map((rule) => rule.slice(1)),
        parseError: rules.includes('parse-error'),
        sql: rest.join('\t').replace(/\\n/g, '\n'),
      };
    });
}

const ORDER = Tier.options;
const corpus = loadCorpus();

beforeAll(() => loadSqlParser());

describe('the labelled corpus', () => {
  it('holds at least 300 cases', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(300);
  });

  it.each(corpus.map((c) => [`line ${c.line}: ${c.sql.replace(/\n/g, ' ')}`, c] as const))('%s', (_name, c) => {
    const verdict = classifySql(c.sql);
    const fired = verdict.statements.flatMap((statement) => statement.rules);
    const where = `${c.sql}\n→ ${verdict.tier} [${fired.join(', ')}] ${verdict.error ?? ''}`;
    expect(ORDER.indexOf(verdict.tier), where).toBeGreaterThanOrEqual(ORDER.indexOf(c.low));
    expect(ORDER.indexOf(verdict.tier), where).toBeLessThanOrEqual(ORDER.indexOf(c.high));
    for (const rule of c.mustFire) expect(fired, where).toContain(rule);
    for (const rule of c.mustNotFire) expect(fired, where).not.toContain(rule);
    expect(Boolean(verdict.error), where).toBe(c.parseError);
  });
});
