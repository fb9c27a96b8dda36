import type { Rule } from './rule.ts';
import { SIDE_EFFECT_FUNCTIONS } from './side-effect-function.ts';

// Functions a SELECT may call and still be a read. Anything else might write
// (user functions can do anything), so the statement is at least a write.
const READ_ONLY_FUNCTIONS = new Set([
  'count', 'sum', 'avg', 'min', 'max', 'now', 'lower', 'upper', 'length', 'char_length', 'octet_length', 'substr',
  'substring', 'trim', 'btrim', 'ltrim', 'rtrim', 'abs', 'round', 'floor', 'ceil', 'ceiling', 'trunc', 'mod', 'power',
  'sqrt', 'date_trunc', 'date_part', 'extract', 'to_char', 'to_date', 'to_timestamp', 'to_number', 'age', 'concat',
  'concat_ws', 'coalesce', 'nullif', 'greatest', 'least', 'array_agg', 'string_agg', 'json_agg', 'jsonb_agg',
  'json_build_object', 'jsonb_build_object', 'jsonb_build_array', 'json_build_array', 'jsonb_array_length',
  'jsonb_extract_path_text', 'jsonb_typeof', 'json_object_agg', 'jsonb_object_agg', 'row_number', 'rank',
  'dense_rank', 'lag', 'lead', 'first_value', 'last_value', 'ntile', 'percentile_cont', 'percentile_disc', 'stddev',
  'variance', 'bool_and', 'bool_or', 'every', 'current_setting', 'version', 'pg_relation_size',
  'pg_total_relation_size', 'pg_size_pretty', 'pg_table_size', 'pg_indexes_size', 'pg_database_size',
  'pg_column_size', 'format', 'md5', 'sha256', 'random', 'generate_series', 'unnest', 'array_length',
  'cardinality', 'replace', 'split_part', 'regexp_replace', 'regexp_match', 'regexp_matches', 'position', 'strpos',
  'left', 'right', 'lpad', 'rpad', 'reverse', 'initcap', 'date', 'make_date', 'make_interval', 'clock_timestamp',
  'statement_timestamp', 'transaction_timestamp', 'timezone', 'current_database', 'current_schema', 'current_user',
  'session_user', 'pg_backend_pid', 'txid_current_if_assigned', 'to_regclass', 'has_table_privilege',
  'pg_get_indexdef', 'pg_get_constraintdef', 'obj_description', 'col_description', 'format_type', 'exists',
  'array_to_string', 'string_to_array', 'jsonb_each', 'jsonb_array_elements', 'json_array_elements',
  'row_to_json', 'to_json', 'to_jsonb', 'gen_random_uuid', 'uuid_generate_v4', 'pg_is_in_recovery',
  'pg_last_xact_replay_timestamp', 'inet_server_addr', 'pg_postmaster_start_time', 'pg_stat_get_live_tuples',
]);

export const unknownFunction: Rule = {
  name: 'unknown-function',
  tier: 'write',
  message: 'this calls a function Airlock does not know to be read-only, and a function can change data: it is treated as a write',
  check({ facts }) {
    // Known side effects are side-effect-function's to report.
    for (const name of facts.functions) {
      if (!READ_ONLY_FUNCTIONS.has(name) && !SIDE_EFFECT_FUNCTIONS.has(name)) return { detail: `${name}()` };
    }
    return false;
  },
};
