import { beforeAll, describe, expect, it } from 'vitest';
import { classifySql } from '../../../src/policy/classify.ts';
import { loadSqlParser } from '../../../src/sql/parse-sql.ts';
import { functionKey, relationKey, type TargetCatalogue } from '../../../src/policy/target-catalogue.ts';
import { ruleCases } from './rule-cases.ts';

ruleCases('airlock-objects', {
  fires: [
    "CREATE OR REPLACE FUNCTION airlock.audit_row_hash(a airlock.audit) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'x' $$",
    "SET search_path = airlock; UPDATE approvals SET status = 'approved'",
    'SET LOCAL search_path TO public, airlock_backup',
    "SELECT set_config('search_path', 'public,airlock', false)",
    "SELECT set_config('search_' || 'path', 'x', false)",
    "DO $$ BEGIN PERFORM set_config('search_path', 'airlock', true); END $$",
    "DO $$ BEGIN EXECUTE 'SET search_path = airlock'; END $$",
    'ALTER ROLE app SET search_path = airlock',
    'CREATE FUNCTION f() RETURNS int SET search_path = airlock LANGUAGE sql AS $$ SELECT 1 $$',
    'DROP FUNCTION airlock.audit_chain() CASCADE',
    'DROP TYPE airlock_backup.t',
    'CREATE TABLE public.x (a airlock.audit)',
    "SELECT nextval('airlock.audit_audit_id_seq')",
    'SELECT airlock.audit_row_hash(a) FROM airlock.audit a',
    'CREATE TRIGGER t BEFORE INSERT ON public.x FOR EACH ROW EXECUTE FUNCTION airlock.audit_chain()',
    'CREATE VIEW airlock_trash.v AS SELECT 1',
    'CREATE SEQUENCE airlock_backup.s',
    'ALTER TABLE public.t SET SCHEMA airlock_backup',
    'CREATE SCHEMA airlock_trash',
    "COMMENT ON FUNCTION airlock.audit_chain() IS 'x'",
    'ALTER FUNCTION airlock.audit_chain() OWNER TO mallory',
    'ALTER DEFAULT PRIVILEGES IN SCHEMA airlock GRANT SELECT ON TABLES TO PUBLIC',
    'LOCK TABLE airlock_backup.act_1',
    'SELECT * FROM airlock.approvals FOR UPDATE',
    'GRANT SELECT ON ALL TABLES IN SCHEMA airlock TO PUBLIC',
  ],
  silent: [
    'SELECT * FROM airlock.audit',
    'INSERT INTO public.users SELECT * FROM airlock_backup.act_1',
    'ALTER TABLE airlock_trash.act_1_1 SET SCHEMA public',
    'SET search_path = app, public',
    'SELECT * FROM "Airlock".approvals',
    "SELECT set_config('app.user', current_user, false)",
    'CREATE FUNCTION app.f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$',
  ],
});

describe('airlock-objects, through the search_path the target resolves names with', () => {
  beforeAll(() => loadSqlParser());
  const catalogue: TargetCatalogue = {
    target: 't',
    searchPath: ['pg_catalog', 'airlock', 'public'],
    functions: { [functionKey(null, { name: 'audit_chain' }, 0)]: [{ oid: 9, schema: 'airlock', name: 'audit_chain', kind: 'f', volatility: 'v', language: 'plpgsql', userDefined: true }] },
    relations: { [relationKey(null, { name: 'approvals' })]: 'airlock', [relationKey(null, { name: 'users' })]: 'public' },
    creationSchemas: { '': 'airlock' },
    existing: {},
  };

  it('an unqualified name that resolves to airlock.* is forbidden when written to', () => {
    expect(classifySql("UPDATE approvals SET status = 'approved' WHERE approval_id = 'x'", { catalogue }).tier).toBe('forbidden');
    expect(classifySql("UPDATE users SET email = 'x' WHERE id = 1", { catalogue }).tier).toBe('write');
  });

  it('a call, or a CREATE without a schema, that lands in airlock is forbidden', () => {
    expect(classifySql('SELECT audit_chain()', { catalogue }).tier).toBe('forbidden');
    expect(classifySql('CREATE TABLE planted (id int)', { catalogue }).tier).toBe('forbidden');
  });
});
