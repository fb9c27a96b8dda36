import catalogue from './pg-functions.json' with { type: 'json' };

/**
 * Which function calls may stay in the `read` tier. The facts come from
 * PostgreSQL's own catalogue (pg-functions.json, regenerated with
 * `npm run catalogue:functions` against the embedded PostgreSQL 18): an
 * immutable or stable function of pg_catalog only computes. On top of it, two
 * curated lists: functions that act outside the query whatever their
 * volatility (a read-only transaction does not stop them), and the few
 * volatile ones that only read (random(), clock_timestamp(), sizes…).
 *
 * Names are compared as PostgreSQL resolves them: the parser has already
 * folded unquoted names to lower case and kept quoted ones as written, so
 * `"Count"(1)` is not count(); a name qualified with any schema but
 * pg_catalog is not a built-in.
 */

export type Volatility = 'i' | 's' | 'v';

const FUNCTIONS = new Map(Object.entries(catalogue.functions as Record<string, Volatility>));
const OPERATORS = new Map(Object.entries(catalogue.operators as Record<string, Volatility>));

/** The PostgreSQL release the catalogue was taken from. */
export const CATALOGUE_POSTGRES: string = catalogue.postgres;

// Functions that act outside the query: they end sessions, change server or
// session state, write or read server files, take locks that outlive the
// statement, consume sequences, reach other servers or run SQL given as text.
// Each entry is a name, or a prefix ending in `*`.
const ACTS_OUTSIDE_THE_QUERY: readonly [string, string][] = [
  ['pg_terminate_backend', 'ends another session'],
  ['pg_cancel_backend', "cancels another session's query"],
  ['pg_reload_conf', 'reloads the server configuration'],
  ['pg_rotate_logfile', "rotates the server's log file"],
  ['pg_promote', 'promotes a standby'],
  ['pg_switch_wal', 'forces a WAL switch'],
  ['pg_create_restore_point', 'writes a WAL restore point'],
  ['pg_backup_*', 'starts or stops a base backup'],
  ['pg_wal_replay_*', 'pauses or resumes WAL replay'],
  ['pg_log_*', "writes to the server's log or WAL"],
  ['pg_logical_emit_message', 'writes a message into the WAL'],
  ['pg_logical_slot_*', 'reads (and consumes) the changes of a replication slot: every table’s data'],
  ['pg_create_*', 'creates a replication slot'],
  ['pg_copy_*', 'copies a replication slot'],
  ['pg_drop_replication_slot', 'drops a replication slot'],
  ['pg_replication_slot_advance', 'advances a replication slot'],
  ['pg_sync_replication_slots', 'synchronises replication slots'],
  ['pg_replication_origin_*', 'changes replication origins'],
  ['pg_stat_reset*', "resets the server's statistics"],
  ['pg_restore_*', 'overwrites planner statistics'],
  ['pg_clear_*', 'clears planner statistics'],
  ['pg_import_system_collations', 'adds collations to the catalogue'],
  ['pg_stop_making_pinned_objects', 'changes how the catalogue pins objects'],
  ['pg_extension_config_dump', "changes an extension's dump configuration"],
  ['pg_nextoid', 'consumes an object id'],
  ['binary_upgrade_*', 'pg_upgrade internals that write the catalogue'],
  ['lo_*', 'creates, changes, deletes, imports or exports large objects (server files included)'],
  ['loread', 'reads a large object descriptor'],
  ['lowrite', 'writes a large object'],
  ['pg_read_file', 'reads a file on the database server'],
  ['pg_read_server_files', 'reads files on the database server'],
  ['pg_read_binary_file', 'reads a file on the database server'],
  ['pg_ls_*', "lists a directory on the database server"],
  ['pg_stat_file', 'reads file metadata on the database server'],
  ['pg_hba_file_rules', "reads the server's pg_hba.conf"],
  ['pg_ident_file_mappings', "reads the server's pg_ident.conf"],
  ['pg_show_all_file_settings', "reads the server's configuration files"],
  ['pg_file_*', 'writes, renames or removes a file on the database server (adminpack)'],
  ['dblink*', 'reaches another database server'],
  ['set_config', 'changes a setting (search_path included) for the rest of the session'],
  ['setseed', "changes the session's random seed"],
  ['pg_advisory_*', 'takes or releases an advisory lock that outlives the statement'],
  ['pg_try_advisory_*', 'takes an advisory lock that outlives the statement'],
  ['nextval', 'consumes a sequence value (never rolled back)'],
  ['setval', 'moves a sequence'],
  ['pg_notify', 'sends a notification to other sessions'],
  ['txid_current', 'assigns a transaction id'],
  ['pg_current_xact_id', 'assigns a transaction id'],
  ['pg_export_snapshot', 'exports a snapshot to other sessions'],
  ['query_to_xml*', 'runs SQL given as a string, which nobody reviewed'],
  ['cursor_to_xml*', 'fetches from (and moves) a cursor'],
  ['table_to_xml*', 'reads a table named by a string, out of sight of the table checks'],
  ['schema_to_xml*', 'reads every table of a schema named by a string'],
  ['database_to_xml*', 'reads every table of the database'],
  ['ts_stat', 'runs SQL given as a string, which nobody reviewed'],
  ['ts_rewrite', 'can run SQL given as a string, which nobody reviewed'],
  ['brin_summarize_*', 'changes a BRIN index'],
  ['brin_desummarize_range', 'changes a BRIN index'],
  ['gin_clean_pending_list', 'changes a GIN index'],
];

// Volatile in pg_catalog, yet they only read: a different answer each call, no effect.
const VOLATILE_READS = new Set([
  'random', 'random_normal', 'clock_timestamp', 'timeofday', 'gen_random_uuid', 'uuidv4', 'uuidv7', 'array_sample',
  'array_shuffle', 'currval', 'lastval', 'pg_relation_size', 'pg_total_relation_size', 'pg_table_size', 'pg_indexes_size',
  'pg_database_size', 'pg_tablespace_size', 'pg_is_in_recovery', 'pg_last_xact_replay_timestamp', 'pg_last_wal_receive_lsn',
  'pg_last_wal_replay_lsn', 'pg_current_wal_lsn', 'pg_current_wal_flush_lsn', 'pg_current_wal_insert_lsn',
  'pg_blocking_pids', 'pg_safe_snapshot_blocking_pids', 'pg_lock_status', 'pg_jit_available', 'pg_partition_tree',
  'pg_partition_ancestors', 'pg_notification_queue_usage', 'pg_is_wal_replay_paused', 'pg_get_wal_replay_pause_state',
  'pg_collation_actual_version', 'pg_database_collation_actual_version', 'pg_xact_status', 'txid_status',
  'pg_xact_commit_timestamp', 'pg_xact_commit_timestamp_origin', 'pg_last_committed_xact', 'pg_current_logfile',
  'pg_get_backend_memory_contexts', 'pg_get_shmem_allocations', 'pg_get_wait_events', 'pg_get_loaded_modules',
  'pg_prepared_xact', 'current_query', 'pg_get_multixact_members', 'pg_get_wal_resource_managers',
]);

function sideEffectOf(name: string): string | undefined {
  for (const [pattern, why] of ACTS_OUTSIDE_THE_QUERY) {
    if (pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern) return why;
  }
  return undefined;
}

/** A function call as written: its name parts, as the parser gives them (unquoted parts already lower case). */
export interface FunctionCall {
  schema?: string;
  name: string;
}

export type FunctionVerdict =
  | { verdict: 'read' }
  /** Acts outside the query (side-effect-function). */
  | { verdict: 'side-effect'; why: string }
  /** Not known to only read: volatile, or not a built-in at all (unknown-function). */
  | { verdict: 'unknown'; why: string };

const verdicts = new Map<string, FunctionVerdict>();

/** What calling this function can do, judged by its name as PostgreSQL resolves it. */
export function judgeFunction(call: FunctionCall): FunctionVerdict {
  if (call.schema !== undefined && call.schema !== 'pg_catalog') {
    // A user's function can do anything, whatever it is called, but a side effect by name is still reported as one.
    const why = sideEffectOf(call.name);
    return why ? { verdict: 'side-effect', why } : { verdict: 'unknown', why: `not a built-in: schema ${call.schema}` };
  }
  const known = verdicts.get(call.name);
  if (known) return known;
  const why = sideEffectOf(call.name);
  const volatility = FUNCTIONS.get(call.name);
  let verdict: FunctionVerdict;
  if (why) verdict = { verdict: 'side-effect', why };
  else if (volatility === undefined) verdict = { verdict: 'unknown', why: 'not a built-in function of PostgreSQL' };
  else if (volatility !== 'v' || VOLATILE_READS.has(call.name)) verdict = { verdict: 'read' };
  else verdict = { verdict: 'unknown', why: 'volatile: it can change something' };
  verdicts.set(call.name, verdict);
  return verdict;
}

/** The volatility pg_catalog gives a built-in function (its most volatile overload); undefined: not a built-in. */
export function builtInVolatility(call: FunctionCall): Volatility | undefined {
  if (call.schema !== undefined && call.schema !== 'pg_catalog') return undefined;
  return FUNCTIONS.get(call.name);
}

/** An operator of pg_catalog whose function only computes. */
export function isReadOnlyOperator(schema: string | undefined, name: string): boolean {
  if (schema !== undefined && schema !== 'pg_catalog') return false;
  const volatility = OPERATORS.get(name);
  return volatility !== undefined && volatility !== 'v';
}

/** The curated deny-list, for documentation and tests. */
export const SIDE_EFFECT_PATTERNS: readonly string[] = ACTS_OUTSIDE_THE_QUERY.map(([pattern]) => pattern);
