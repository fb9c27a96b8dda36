import { describe, expect, it } from 'vitest';
import catalogue from '../../src/sql/catalogue/pg-functions.json' with { type: 'json' };
import { builtInVolatility, isReadOnlyOperator, judgeFunction, SIDE_EFFECT_PATTERNS } from '../../src/sql/catalogue/functions.ts';

describe('the function catalogue (pg_catalog of the embedded PostgreSQL, npm run catalogue:functions)', () => {
  it('comes from PostgreSQL 18 and holds its functions and operators with their volatility', () => {
    expect(catalogue.postgres).toMatch(/^18\./);
    expect(Object.keys(catalogue.functions).length).toBeGreaterThan(2500);
    expect(builtInVolatility({ name: 'lower' })).toBe('i');
    expect(builtInVolatility({ name: 'now' })).toBe('s');
    expect(builtInVolatility({ name: 'nextval' })).toBe('v');
    expect(isReadOnlyOperator(undefined, '=')).toBe(true);
    expect(isReadOnlyOperator('public', '=')).toBe(false);
  });

  it('judges names as PostgreSQL resolves them: case kept when quoted, schema counted', () => {
    expect(judgeFunction({ name: 'count' })).toEqual({ verdict: 'read' });
    expect(judgeFunction({ schema: 'pg_catalog', name: 'count' })).toEqual({ verdict: 'read' });
    expect(judgeFunction({ name: 'Count' }).verdict).toBe('unknown');
    expect(judgeFunction({ schema: 'public', name: 'count' }).verdict).toBe('unknown');
    expect(judgeFunction({ name: 'my_function' }).verdict).toBe('unknown');
    expect(judgeFunction({ name: 'pg_sleep' }).verdict).toBe('unknown');
    expect(judgeFunction({ name: 'random' })).toEqual({ verdict: 'read' });
  });

  it('deny-lists what acts outside the query, whatever its volatility or schema', () => {
    for (const name of ['pg_terminate_backend', 'pg_cancel_backend', 'lo_import', 'lo_unlink', 'pg_read_file', 'pg_ls_dir', 'dblink', 'dblink_exec',
      'set_config', 'pg_advisory_lock', 'pg_try_advisory_xact_lock', 'nextval', 'setval', 'pg_notify', 'txid_current', 'pg_switch_wal',
      'pg_reload_conf', 'pg_rotate_logfile', 'pg_create_logical_replication_slot', 'pg_create_physical_replication_slot', 'query_to_xml']) {
      expect(judgeFunction({ name }).verdict, name).toBe('side-effect');
    }
    expect(judgeFunction({ schema: 'public', name: 'dblink_exec' }).verdict).toBe('side-effect');
    expect(SIDE_EFFECT_PATTERNS.length).toBeGreaterThan(40);
  });

  it('keeps no stable or immutable built-in on the deny-list by accident: each listed one is named on purpose', () => {
    const stableButDenied = Object.entries(catalogue.functions as Record<string, string>)
      .filter(([name, volatility]) => volatility !== 'v' && judgeFunction({ name }).verdict === 'side-effect')
      .map(([name]) => name)
      .sort();
    // Assigning a transaction id, or reading tables named in a string (out of sight of the table checks).
    expect(stableButDenied).toEqual([
      'database_to_xml', 'database_to_xml_and_xmlschema', 'database_to_xmlschema', 'pg_current_xact_id', 'pg_replication_origin_oid',
      'schema_to_xml', 'schema_to_xml_and_xmlschema', 'schema_to_xmlschema', 'table_to_xml', 'table_to_xml_and_xmlschema',
      'table_to_xmlschema', 'txid_current',
    ]);
  });
});
