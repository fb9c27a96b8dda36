import { beforeAll, describe, expect, it } from 'vitest';
import { classifySql } from '../../../src/policy/classify.ts';
import { loadSqlParser } from '../../../src/sql/parse-sql.ts';
import { judgeFunctions } from '../../../src/policy/routine-verdict.ts';
import { functionKey, type ResolvedFunction, type TargetCatalogue } from '../../../src/policy/target-catalogue.ts';
import { ruleCases } from './rule-cases.ts';

ruleCases('user-defined-function', {
  // Without the target: names that cannot be built-ins.
  fires: ['SELECT "Count"(1)', "SELECT public.lower('x')", 'SELECT app.cleanup()', 'CALL app.purge()', 'CREATE FUNCTION app.wipe() RETURNS void LANGUAGE sql AS $$ DELETE FROM users $$; SELECT wipe()'],
  silent: ["SELECT count(*), lower('x') FROM t", "SELECT pg_catalog.lower('X')", 'SELECT 1'],
});

let oids = 0;
function fn(schema: string, name: string, definition: string | undefined, extra: Partial<ResolvedFunction> = {}): ResolvedFunction {
  return { oid: ++oids, schema, name, kind: 'f', volatility: 'v', language: definition ? 'sql' : 'c', userDefined: schema !== 'pg_catalog', ...(definition ? { definition } : {}), ...extra };
}

function catalogue(entries: [name: { schema?: string; name: string }, args: number, found: ResolvedFunction[]][]): TargetCatalogue {
  const functions: TargetCatalogue['functions'] = {};
  for (const [name, args, found] of entries) functions[functionKey(null, name, args)] = found;
  const built = { target: 't', searchPath: ['pg_catalog', 'public'], functions, relations: {}, creationSchemas: {}, existing: {} };
  judgeFunctions(built);
  return built;
}

describe('user-defined-function, with the call resolved in the target', () => {
  beforeAll(() => loadSqlParser());

  it('lower(x) that resolves to a user public.lower whose body deletes: destructive', () => {
    const found = catalogue([[{ name: 'lower' }, 1, [fn('pg_catalog', 'lower', undefined), fn('public', 'lower', 'CREATE OR REPLACE FUNCTION public.lower(x integer) RETURNS integer LANGUAGE sql AS $function$ DELETE FROM users; SELECT 1 $function$')]]]);
    const verdict = classifySql('SELECT lower(id) FROM users', { catalogue: found });
    expect(verdict.tier).toBe('destructive');
    expect(verdict.statements[0]!.reasons.join(' ')).toMatch(/lower\(\) is public\.lower: its body removes rows/);
  });

  it('a STABLE SQL function that only reads is not raised by its body (unknown-function still keeps a non-built-in at write); a built-in stays read', () => {
    const found = catalogue([
      [{ name: 'full_name' }, 1, [fn('public', 'full_name', "CREATE OR REPLACE FUNCTION public.full_name(u users) RETURNS text LANGUAGE sql STABLE AS $function$ SELECT u.first || ' ' || u.last $function$", { volatility: 's' })]],
      [{ name: 'count' }, 0, [fn('pg_catalog', 'count', undefined, { kind: 'a', volatility: 'i' })]],
    ]);
    const verdict = classifySql('SELECT full_name(u), count(*) FROM users u GROUP BY u', { catalogue: found });
    expect(verdict.statements[0]!.rules).not.toContain('user-defined-function');
    expect(verdict.tier).not.toBe('destructive');
    expect(classifySql('SELECT count(*) FROM users', { catalogue: found }).tier).toBe('read');
  });

  it('a function that calls one that deletes deletes too; a volatile C function is a write', () => {
    const found = catalogue([
      [{ name: 'outer_fn' }, 0, [fn('public', 'outer_fn', 'CREATE OR REPLACE FUNCTION public.outer_fn() RETURNS integer LANGUAGE sql AS $function$ SELECT inner_fn() $function$')]],
      [{ name: 'inner_fn' }, 0, [fn('public', 'inner_fn', 'CREATE OR REPLACE FUNCTION public.inner_fn() RETURNS integer LANGUAGE plpgsql AS $function$ BEGIN TRUNCATE users; RETURN 1; END $function$')]],
      [{ name: 'digest_v' }, 1, [fn('public', 'digest_v', undefined)]],
    ]);
    expect(classifySql('SELECT outer_fn()', { catalogue: found }).tier).toBe('destructive');
    expect(classifySql("SELECT digest_v('x')", { catalogue: found }).tier).toBe('write');
  });

  it('a body that builds SQL at run time cannot be reviewed: destructive', () => {
    const found = catalogue([[{ name: 'run' }, 1, [fn('public', 'run', "CREATE OR REPLACE FUNCTION public.run(q text) RETURNS void LANGUAGE plpgsql AS $function$ BEGIN EXECUTE q; END $function$")]]]);
    expect(classifySql("SELECT run('x')", { catalogue: found }).tier).toBe('destructive');
  });
});
