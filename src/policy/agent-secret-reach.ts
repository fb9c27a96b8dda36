import type { RangeVar } from '@pgsql/types';
import { calledFunctions, walk, type Node } from '../sql/definitions.ts';

/**
 * What an agent's read tools may never read, whatever its role could: the
 * catalogue relations and functions that hold password hashes, other
 * sessions' query text, column statistics (pg_stats shows a column's most
 * common values: confirmation tokens and approval SQL from Airlock's own
 * tables), large objects and server configuration files, and functions that
 * run a query given as a string (which no parser check can see into).
 * Names are compared as PostgreSQL resolves them: as stored in the parse tree
 * (unquoted names folded, quoted ones kept), and an unqualified name resolves
 * to pg_catalog first. Pure.
 */

const CATALOGUE_SECRETS: ReadonlySet<string> = new Set([
  'pg_authid', 'pg_shadow', 'pg_user_mapping', 'pg_user_mappings', 'pg_statistic', 'pg_statistic_ext', 'pg_statistic_ext_data',
  'pg_stats', 'pg_stats_ext', 'pg_stats_ext_exprs', 'pg_stat_activity', 'pg_stat_replication', 'pg_stat_wal_receiver',
  'pg_stat_subscription', 'pg_subscription', 'pg_largeobject', 'pg_largeobject_metadata', 'pg_hba_file_rules',
  'pg_ident_file_mappings', 'pg_file_settings', 'pg_db_role_setting', 'pg_foreign_server', 'pg_foreign_data_wrapper',
  'pg_backend_memory_contexts', 'pg_shmem_allocations', 'pg_replication_origin_status', 'pg_replication_slots',
]);

// Views of extensions, in whatever schema the extension was installed.
const EXTENSION_SECRETS: ReadonlySet<string> = new Set(['pg_stat_statements', 'pg_stat_statements_info', 'pg_stat_monitor']);

const INFORMATION_SCHEMA_SECRETS: ReadonlySet<string> = new Set(['user_mapping_options', 'user_mappings', 'foreign_server_options', 'foreign_servers']);

const SECRET_FUNCTIONS: ReadonlySet<string> = new Set([
  // query text, settings files, large objects
  'pg_stat_get_activity', 'pg_stat_get_backend_activity', 'pg_stat_statements', 'pg_hba_file_rules', 'pg_ident_file_mappings',
  'pg_show_all_file_settings', 'lo_get', 'loread', 'lo_open', 'lo_export', 'pg_read_file', 'pg_read_binary_file',
  'pg_stat_file', 'pg_ls_dir', 'pg_ls_logdir', 'pg_ls_waldir', 'pg_current_logfile', 'pg_get_backend_memory_contexts',
  // run a query given as a string
  'query_to_xml', 'query_to_xmlschema', 'query_to_xml_and_xmlschema', 'cursor_to_xml', 'cursor_to_xmlschema', 'table_to_xml',
  'table_to_xmlschema', 'table_to_xml_and_xmlschema', 'schema_to_xml', 'schema_to_xmlschema', 'schema_to_xml_and_xmlschema',
  'database_to_xml', 'database_to_xmlschema', 'database_to_xml_and_xmlschema', 'ts_stat', 'dblink', 'dblink_exec',
]);

export interface SecretReach {
  /** What was named, as written. */
  name: string;
  why: string;
}

function relationReach(schema: string | undefined, name: string): SecretReach | undefined {
  const shown = schema ? `${schema}.${name}` : name;
  if ((schema === undefined || schema === 'pg_catalog') && CATALOGUE_SECRETS.has(name)) {
    return { name: shown, why: 'it holds password hashes, other sessions\' queries, column statistics (values of any table, Airlock\'s included), large objects or server configuration' };
  }
  if (EXTENSION_SECRETS.has(name)) return { name: shown, why: 'it holds the text of every query run on the server' };
  if (schema === 'information_schema' && INFORMATION_SCHEMA_SECRETS.has(name)) return { name: shown, why: 'it holds foreign-server options, passwords included' };
  return undefined;
}

/** The first secret a read statement would reach, or undefined. */
export function secretReach(kind: string, node: Node): SecretReach | undefined {
  let found: SecretReach | undefined;
  walk({ [kind]: node }, (key, child) => {
    if (found || (key !== 'RangeVar' && key !== 'relation')) return;
    const relation = child as RangeVar;
    if (relation.relname) found = relationReach(relation.schemaname, relation.relname);
  });
  if (found) return found;
  for (const call of calledFunctions({ [kind]: node })) {
    if ((call.schema === undefined || call.schema === 'pg_catalog' || EXTENSION_SECRETS.has(call.name)) && SECRET_FUNCTIONS.has(call.name)) {
      return { name: `${call.schema ? `${call.schema}.` : ''}${call.name}()`, why: 'it reads query text, server files or large objects, or runs a query given as a string' };
    }
  }
  return undefined;
}
