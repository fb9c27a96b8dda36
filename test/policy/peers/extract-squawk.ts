import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Extracts squawk's own rule tests (the SQL of each `#[test]` in
 * crates/squawk_linter/src/rules/<rule>.rs, and whether it asserts errors or
 * none) into squawk-cases.json, for the rules Airlock names after squawk.
 *
 *   git clone https://github.com/sbdchd/squawk /tmp/squawk
 *   npx tsx test/policy/peers/extract-squawk.ts /tmp/squawk
 */

// Airlock's rule → squawk's rule file.
export const SQUAWK_RULES: Record<string, string> = {
  'adding-field-with-default': 'adding_field_with_default',
  'adding-foreign-key-constraint': 'adding_foreign_key_constraint',
  'adding-not-nullable-field': 'adding_not_null_field',
  'adding-required-field': 'adding_required_field',
  'ban-drop-column': 'ban_drop_column',
  'ban-drop-database': 'ban_drop_database',
  'ban-drop-table': 'ban_drop_table',
  'ban-truncate-cascade': 'ban_truncate_cascade',
  'changing-column-type': 'changing_column_type',
  'constraint-missing-not-valid': 'constraint_missing_not_valid',
  'renaming-column': 'renaming_column',
  'renaming-table': 'renaming_table',
  'require-concurrent-index-creation': 'require_concurrent_index_creation',
  'require-concurrent-index-deletion': 'require_concurrent_index_deletion',
  'ban-concurrent-index-creation-in-transaction': 'ban_concurrent_index_creation_in_transaction',
  'require-timeout-settings': 'require_timeout_settings',
};

interface SquawkCase {
  rule: string;
  test: string;
  expect: 'fires' | 'silent';
  sql: string;
  /** The LinterSettings the test passes, when not the defaults (a PostgreSQL version, assume_in_transaction). */
  settings?: string;
}

/** A Rust string literal's text: raw strings as written, others with their escapes applied. */
function rustString(raw: string, body: string): string {
  if (raw) return body;
  const escapes: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\', '0': '\0' };
  return body.replace(/\\(.)/g, (_, letter: string) => escapes[letter] ?? letter);
}

function extract(source: string, rule: string, file: string): SquawkCase[] {
  const variant = file.replace(/(^|_)(\w)/g, (_, __, letter: string) => letter.toUpperCase());
  const tests = source.slice(source.indexOf('mod test')).split('#[test]').slice(1);
  const cases: SquawkCase[] = [];
  for (const chunk of tests) {
    const name = /fn\s+(\w+)\s*\(/.exec(chunk)?.[1];
    if (!name) continue;
    // Only tests of this rule itself (require_timeout_settings.rs also tests its halves, RequireLockTimeout…).
    const variants = new Set([...chunk.matchAll(/Rule::(\w+)/g)].map((match) => match[1]));
    if (variants.size > 0 && !variants.has(variant)) continue;
    let sqls = [...chunk.matchAll(/let\s+sql\s*=\s*(r?)(#*)"([\s\S]*?)"\2\s*;/g)].map((match) => rustString(match[1]!, match[3]!));
    // `fix("…")` asserts the rule fires (fix_sql: "Should start with linter errors") and fixes it.
    const fixed = [...chunk.matchAll(/\bfix\(\s*(r?)(#*)"([\s\S]*?)"\2\s*\)/g)].map((match) => rustString(match[1]!, match[3]!));
    if (sqls.length === 0 && fixed.length === 1) sqls = fixed;
    if (sqls.length !== 1) continue; // a test with several texts asserts on each: not one case
    const silent = /\blint_ok(_with)?\s*\(/.test(chunk);
    const fires = /\blint_errors(_with)?\s*\(/.test(chunk) || /\bfix(_sql_with)?\s*\(/.test(chunk);
    if (silent === fires) continue;
    const settings = /LinterSettings\s*\{([\s\S]*?)\}/.exec(chunk)?.[1]?.replace(/\s+/g, ' ').trim();
    cases.push({ rule, test: name, expect: fires ? 'fires' : 'silent', sql: sqls[0]!.trim(), ...(settings ? { settings } : {}) });
  }
  return cases;
}

function main(repo: string): void {
  const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const commit = git('rev-parse', 'HEAD').trim();
  const cases: SquawkCase[] = [];
  for (const [rule, file] of Object.entries(SQUAWK_RULES)) {
    const sourcePath = `crates/squawk_linter/src/rules/${file}.rs`;
    cases.push(...extract(git('show', `${commit}:${sourcePath}`), rule, file));
  }
  const output = {
    origin: {
      repository: 'https://github.com/sbdchd/squawk',
      commit,
      paths: Object.values(SQUAWK_RULES).map((file) => `crates/squawk_linter/src/rules/${file}.rs`),
      how: 'each #[test] of the rule itself with one SQL text: lint_errors / assert_snapshot!(lint_errors…) / fix(…) is "fires", lint_ok is "silent"',
    },
    cases,
  };
  const out = path.resolve(import.meta.dirname, 'squawk-cases.json');
  fs.writeFileSync(out, `${JSON.stringify(output, null, 2)}\n`);
  console.log(`wrote ${cases.length} cases from squawk ${commit.slice(0, 12)} to ${out}`);
}

const repo = process.argv[2];
if (repo) main(repo);
