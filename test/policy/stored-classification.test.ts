import { beforeAll, describe, expect, it } from 'vitest';
import { classifySql } from '../../src/policy/classify.ts';
import { restoredClassification, rulesOf, storedClassification } from '../../src/policy/stored-classification.ts';
import { StoredClassification } from '../../src/contracts/classification.ts';
import { loadSqlParser } from '../../src/sql/parse-sql.ts';

beforeAll(() => loadSqlParser());

const TEXTS = [
  'SELECT 1',
  'DELETE FROM orders WHERE id = 1; DROP TABLE legacy; CREATE INDEX CONCURRENTLY i ON t (a)',
  "UPDATE accounts SET balance = 0; ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT 0; DO $$ BEGIN EXECUTE 'DROP TABLE ' || 'x'; END $$",
  'CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN SELEC 1; END $$',
  'TRUNCATE a CASCADE; VACUUM FULL b; GRANT ALL ON c TO public; COPY d TO \'/tmp/x\'',
  'SELECT FROM',
  '',
];

describe('a classification as a checkpoint keeps it', () => {
  it('reads back exactly as classify made it, for every kind of text', () => {
    for (const sql of TEXTS) {
      const classification = classifySql(sql);
      const stored = storedClassification(classification);
      expect(StoredClassification.parse(stored)).toEqual(stored);
      const { textsFit, ...restored } = restoredClassification(stored, sql);
      expect(restored, sql).toEqual(classification);
      expect(textsFit).toBe(true);
      expect(stored.statements.map(rulesOf)).toEqual(classification.statements.map((verdict) => verdict.rules));
    }
  });

  it("keeps no statement text and each message at most once, and a message that is not its rule's", () => {
    const sql = 'DROP TABLE legacy; SELECT 1';
    const classification = classifySql(sql);
    const stored = JSON.stringify(storedClassification(classification));
    expect(stored).not.toContain('DROP TABLE legacy');
    const ruleMessage = classification.statements[0]!.findings[0]!.message;
    expect(stored).not.toContain(ruleMessage);
    expect(stored.length).toBeLessThan(JSON.stringify(classification).length / 3);
    // A finding whose message is its own (a body that does not parse, say) keeps it, and reads back with it.
    const own = { rule: 'dynamic-sql', tier: 'destructive' as const, message: 'a statement in this body does not parse, so nobody can review it', detail: 'syntax error' };
    const withOwn = { ...classification, statements: [{ ...classification.statements[0]!, findings: [own], rules: ['dynamic-sql'], reasons: [`${own.message} (${own.detail})`] }, classification.statements[1]!] };
    expect(JSON.stringify(storedClassification(withOwn))).toContain(own.message);
    const { textsFit: _fit, ...restored } = restoredClassification(storedClassification(withOwn), sql);
    expect(restored).toEqual(withOwn);
  });

  it('takes every text from the SQL, never from the checkpoint: a forged text in a whole verdict is not read back', () => {
    const sql = 'DELETE FROM orders WHERE id = 1';
    const classification = classifySql(sql);
    const forged = { ...classification, statements: classification.statements.map((verdict) => ({ ...verdict, text: 'DELETE FROM orders' })) };
    expect(restoredClassification(forged, sql).statements[0]!.text).toBe(sql);
  });

  it('a classification of other SQL (an edit not yet classified) reads back with no texts, and says so', () => {
    const stored = storedClassification(classifySql('DELETE FROM orders WHERE id = 1'));
    const restored = restoredClassification(stored, 'DELETE FROM orders WHERE id = 1; DROP TABLE orders');
    expect(restored.textsFit).toBe(false);
    expect(restored.statements.map((verdict) => verdict.text)).toEqual(['']);
    expect(restoredClassification(stored, 'not sql at all').textsFit).toBe(false);
  });
});
