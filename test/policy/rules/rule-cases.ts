import { beforeAll, describe, expect, it } from 'vitest';
import { classifySql } from '../../../src/policy/classify.ts';
import { loadSqlParser } from '../../../src/sql/parse-sql.ts';
import { RULES } from '../../../src/policy/rules/index.ts';

/** A rule fires on each of `fires` and stays silent on each of `silent`, through the whole engine. */
export function ruleCases(name: string, cases: { fires: string[]; silent: string[] }): void {
  beforeAll(() => loadSqlParser());
  describe(name, () => {
    it('is registered, with a one-line message', () => {
      const rule = RULES.find((candidate) => candidate.name === name);
      expect(rule).toBeDefined();
      expect(rule!.message).not.toContain('\n');
      expect(rule!.message.length).toBeGreaterThan(30);
    });
    it.each(cases.fires)('fires on %s', (sql) => {
      const verdict = classifySql(sql);
      expect(verdict.statements.flatMap((s) => s.rules)).toContain(name);
    });
    it.each(cases.silent)('stays silent on %s', (sql) => {
      const verdict = classifySql(sql);
      expect(verdict.error).toBeUndefined();
      expect(verdict.statements.flatMap((s) => s.rules)).not.toContain(name);
    });
  });
}
