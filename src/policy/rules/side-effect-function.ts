import type { Rule } from './rule.ts';

// Functions that act outside the statement: they end sessions, delete large
// objects or files, drop replication slots or reach other servers — and a
// read-only transaction does not stop them.
export const SIDE_EFFECT_FUNCTIONS: ReadonlySet<string> = new Set([
  'pg_terminate_backend', 'pg_cancel_backend', 'pg_reload_conf', 'pg_rotate_logfile', 'lo_unlink', 'lo_import',
  'lo_export', 'lo_put', 'lo_from_bytea', 'pg_drop_replication_slot', 'pg_create_logical_replication_slot',
  'pg_create_physical_replication_slot', 'pg_replication_origin_drop', 'dblink_exec', 'dblink', 'dblink_connect',
  'pg_read_server_files', 'pg_read_file', 'pg_read_binary_file', 'pg_ls_dir', 'pg_file_write', 'pg_file_unlink',
  'pg_file_rename', 'pg_promote', 'pg_switch_wal', 'pg_wal_replay_pause', 'pg_log_backend_memory_contexts',
]);

export const sideEffectFunction: Rule = {
  name: 'side-effect-function',
  tier: 'destructive',
  message: 'this calls a function that acts outside the query (ends sessions, unlinks large objects, drops replication slots, reads server files, reaches other servers): run it by hand, deliberately',
  check({ facts }) {
    for (const name of facts.functions) if (SIDE_EFFECT_FUNCTIONS.has(name)) return { detail: `${name}()` };
    return false;
  },
};
