import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { classifySql } from '../../../src/policy/classify.ts';
import { loadSqlParser } from '../../../src/sql/parse-sql.ts';
import { RULES } from '../../../src/policy/rules/index.ts';

/**
 * squawk's own tests for every rule Airlock names after squawk
 * (squawk-cases.json, extracted from sbdchd/squawk by extract-squawk.ts, with
 * the commit named): Airlock's rule of the same name must fire where squawk's
 * does and stay silent where it does, on at least 95% of the cases. Every
 * disagreement is one we keep on purpose, listed here with the reason; a new
 * one fails the test.
 */

interface SquawkCase {
  rule: string;
  test: string;
  expect: 'fires' | 'silent';
  sql: string;
  settings?: string;
}

const { origin, cases } = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, 'squawk-cases.json'), 'utf8')) as {
  origin: { repository: string; commit: string };
  cases: SquawkCase[];
};

/** Cases that assert squawk's behaviour under conditions Airlock never runs in: not counted either way. */
const NOT_APPLICABLE: Record<string, string> = {
  'adding-field-with-default/docs_example_error_on_pg_11':
    'PostgreSQL 11 rewrote the table for any default; Airlock judges for PostgreSQL 12 and later (its embedded server is 18), where a constant default is free',
  'constraint-missing-not-valid/adding_fk_not_valid_ok':
    "squawk's default: each statement commits on its own. Airlock always runs a text as one transaction (squawk's assume_in_transaction), and there squawk's own twin case not_valid_validate_assume_transaction_err fires",
  'constraint-missing-not-valid/adding_check_constraint_ok':
    "squawk's default: each statement commits on its own. Airlock always runs a text as one transaction (squawk's assume_in_transaction), where validating what was just added NOT VALID holds the ADD's lock through the scan",
};

/** Disagreements we keep on purpose. */
const KEPT_DISAGREEMENTS: Record<string, string> = {
  'ban-concurrent-index-creation-in-transaction/assuming_in_transaction_ok_also':
    'the text closes the transaction itself with COMMIT … BEGIN; Airlock refuses transaction control inside a text (transaction-control) and runs the whole text as one transaction, so CONCURRENTLY beside other statements can never run',
  'ban-concurrent-index-creation-in-transaction/squawk_disable_assume_in_transaction_overrides':
    "a squawk directive in a comment; Airlock honours no directive from the text it judges, and the text still runs as one transaction, where CONCURRENTLY fails",
  'require-timeout-settings/fix_multiple_ddl_statements':
    'the ALTER TABLE is on a table the same text creates: inside the one transaction Airlock runs, nobody else can hold or wait for its lock',
  'adding-field-with-default/default_random_with_args_err':
    "now(123) is no function PostgreSQL has (now takes no argument): the statement fails before it rewrites anything; Airlock judges a built-in's volatility by its name",
};

const key = (entry: SquawkCase) => `${entry.rule}/${entry.test}`;

describe(`squawk's own rule tests (${origin.repository} @ ${origin.commit.slice(0, 12)})`, () => {
  beforeAll(() => loadSqlParser());

  const judged = () =>
    cases
      .filter((entry) => !Object.hasOwn(NOT_APPLICABLE, key(entry)))
      .map((entry) => {
        const verdict = classifySql(entry.sql);
        const fired = verdict.statements.some((statement) => statement.rules.includes(entry.rule));
        return { entry, fired, agrees: fired === (entry.expect === 'fires'), error: verdict.error };
      });

  it('covers every rule named after squawk, each a rule Airlock has', () => {
    const rules = new Set(cases.map((entry) => entry.rule));
    for (const rule of rules) expect(RULES.map((candidate) => candidate.name)).toContain(rule);
    expect(rules.size).toBeGreaterThanOrEqual(15);
    expect(cases.length).toBeGreaterThan(80);
  });

  it('agrees on at least 95% of the cases (fires / stays silent)', () => {
    const results = judged();
    const agreement = results.filter((result) => result.agrees).length / results.length;
    console.log(`squawk agreement: ${(agreement * 100).toFixed(1)}% of ${results.length} cases (${cases.length - results.length} not applicable)`);
    expect(agreement).toBeGreaterThanOrEqual(0.95);
  });

  it('disagrees only where the reason is written down, and every listed reason is still needed', () => {
    const disagreements = judged().filter((result) => !result.agrees);
    const unexplained = disagreements
      .filter((result) => !Object.hasOwn(KEPT_DISAGREEMENTS, key(result.entry)))
      .map((result) => `${key(result.entry)}: squawk ${result.entry.expect}, Airlock ${result.fired ? 'fires' : 'silent'}${result.error ? ` (${result.error})` : ''}\n  ${result.entry.sql}`);
    expect(unexplained).toEqual([]);
    const stale = Object.keys(KEPT_DISAGREEMENTS).filter((listed) => !disagreements.some((result) => key(result.entry) === listed));
    expect(stale).toEqual([]);
  });
});
