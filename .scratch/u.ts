import { classifySql } from '../src/policy/classify.ts';
import { loadSqlParser } from '../src/policy/parse-sql.ts';
import { judgeFunctions } from '../src/policy/routine-verdict.ts';
import { functionKey } from '../src/policy/target-catalogue.ts';
await loadSqlParser();
const fn = (schema: string, name: string, definition: any, extra: any = {}) => ({ oid: name.length * 97 + schema.length, schema, name, kind: 'f', volatility: 'v', language: definition ? 'sql' : 'c', userDefined: schema !== 'pg_catalog', ...(definition ? { definition } : {}), ...extra });
const functions: any = {};
functions[functionKey(null, { name: 'full_name' }, 1)] = [fn('public', 'full_name', "CREATE OR REPLACE FUNCTION public.full_name(u users) RETURNS text LANGUAGE sql STABLE AS $function$ SELECT u.first || ' ' || u.last $function$", { volatility: 's' })];
functions[functionKey(null, { name: 'outer_fn' }, 0)] = [fn('public', 'outer_fn', 'CREATE OR REPLACE FUNCTION public.outer_fn() RETURNS integer LANGUAGE sql AS $function$ SELECT inner_fn() $function$')];
functions[functionKey(null, { name: 'inner_fn' }, 0)] = [fn('public', 'inner_fn', 'CREATE OR REPLACE FUNCTION public.inner_fn() RETURNS integer LANGUAGE plpgsql AS $function$ BEGIN TRUNCATE users; RETURN 1; END $function$')];
const c: any = { target: 't', searchPath: [], functions, relations: {}, creationSchemas: {}, existing: {} };
judgeFunctions(c);
for (const k of Object.keys(functions)) console.log(k, JSON.stringify(functions[k][0].verdict));
for (const s of ['SELECT full_name(u), count(*) FROM users u GROUP BY u', 'SELECT outer_fn()']) { const v = classifySql(s, { catalogue: c }); console.log(v.tier, v.statements[0].reasons); }
