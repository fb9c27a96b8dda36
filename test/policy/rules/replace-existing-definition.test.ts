import { beforeAll, describe, expect, it } from 'vitest';
import { classifySql } from '../../../src/policy/classify.ts';
import { loadSqlParser } from '../../../src/sql/parse-sql.ts';
import { replacedObjects } from '../../../src/sql/definitions.ts';
import { replacedKey, type TargetCatalogue } from '../../../src/policy/target-catalogue.ts';
import { RULES } from '../../../src/policy/rules/index.ts';

// The rule needs the target's catalogue: whether the object exists is only known there.
const REPLACE = "CREATE OR REPLACE FUNCTION app.greeting(who text) RETURNS text LANGUAGE sql AS $$ SELECT 'hi ' || who $$";

function catalogueWith(sql: string, exists: boolean): TargetCatalogue {
  const existing: TargetCatalogue['existing'] = {};
  // The key the rule will ask for: the object as written, under the connection's search_path.
  const { kind, node } = parse(sql);
  for (const object of replacedObjects(kind, node)) {
    existing[replacedKey(null, object)] = exists ? { kind: object.kind, identity: 'app.greeting(text)', restore: 'CREATE OR REPLACE FUNCTION …' } : null;
  }
  return { target: 't', searchPath: ['pg_catalog', 'public'], functions: {}, relations: {}, creationSchemas: {}, existing };
}

let parse: (sql: string) => { kind: string; node: Record<string, unknown> };

describe('replace-existing-definition', () => {
  beforeAll(async () => {
    await loadSqlParser();
    const { parseSql } = await import('../../../src/sql/parse-sql.ts');
    parse = (sql) => {
      const parsed = parseSql(sql);
      if (!parsed.ok) throw new Error(parsed.error);
      return parsed.statements[0]!;
    };
  });

  it('is registered, with a one-line message', () => {
    expect(RULES.find((rule) => rule.name === 'replace-existing-definition')?.message).not.toContain('\n');
  });

  it('fires on CREATE OR REPLACE of a function that exists in the target', () => {
    const verdict = classifySql(REPLACE, { catalogue: catalogueWith(REPLACE, true) });
    expect(verdict.tier).toBe('destructive');
    expect(verdict.statements[0]!.reasons.join(' ')).toContain('replaces function app.greeting(text)');
  });

  it('stays silent when nothing of that name and signature exists, and when nothing was looked up', () => {
    expect(classifySql(REPLACE, { catalogue: catalogueWith(REPLACE, false) }).statements[0]!.rules).not.toContain('replace-existing-definition');
    expect(classifySql(REPLACE).statements[0]!.rules).not.toContain('replace-existing-definition');
    expect(classifySql("CREATE FUNCTION app.greeting(who text) RETURNS text LANGUAGE sql AS $$ SELECT 'x' $$").statements[0]!.rules).not.toContain(
      'replace-existing-definition',
    );
  });

  it('knows what each CREATE OR REPLACE may overwrite', () => {
    const of = (sql: string) => {
      const { kind, node } = parse(sql);
      return replacedObjects(kind, node);
    };
    expect(of('CREATE OR REPLACE FUNCTION s.f(a int, OUT b text, VARIADIC c int[]) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$')).toEqual([
      { kind: 'function', schema: 's', name: 'f', argTypes: ['"pg_catalog"."int4"', '"pg_catalog"."int4"[]'] },
    ]);
    expect(of('CREATE OR REPLACE VIEW v AS SELECT 1')).toEqual([{ kind: 'view', name: 'v' }]);
    expect(of('CREATE OR REPLACE RULE r AS ON INSERT TO s.t DO INSTEAD NOTHING')).toEqual([{ kind: 'rule', name: 'r', on: { schema: 's', name: 't' } }]);
    expect(of('CREATE OR REPLACE TRIGGER g AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()')).toEqual([{ kind: 'trigger', name: 'g', on: { name: 't' } }]);
    expect(of('CREATE OR REPLACE PROCEDURE p() LANGUAGE sql AS $$ SELECT 1 $$')).toEqual([{ kind: 'procedure', name: 'p', argTypes: [] }]);
  });
});
