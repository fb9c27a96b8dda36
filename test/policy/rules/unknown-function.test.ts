import { ruleCases } from './rule-cases.ts';

ruleCases('unknown-function', {
  fires: [
    'SELECT my_cleanup()',
    // Quoted names keep their case: this is a user's function, not count().
    'SELECT "Count"(1)',
    'SELECT public.lower(email) FROM users',
    'SELECT app.count(*) FROM users',
    'SELECT 1 OPERATOR(public.+) 2',
    'SELECT a === b FROM t',
    // Volatile in pg_catalog and not known to only read.
    "SELECT pg_sleep(10)",
    // The text itself puts another schema before pg_catalog: lower() may be evil.lower().
    "SET search_path = evil, pg_catalog;\nSELECT lower('x')",
    'SET search_path = evil, pg_catalog;\nSELECT 1 + 1',
    'SELECT pg_stat_clear_snapshot()',
  ],
  silent: [
    'SELECT count(*) FROM users',
    'SELECT lower(email) FROM users',
    "SET search_path = app;\nSELECT lower('x')",
    "SELECT pg_catalog.lower('X'), pg_catalog.count(*) FROM users",
    'SELECT now(), random(), gen_random_uuid(), clock_timestamp()',
    "SELECT jsonb_path_query(doc, '$.a') FROM t WHERE doc @> '{}' AND name ~~* 'x%'",
  ],
});
