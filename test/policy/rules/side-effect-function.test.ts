import { ruleCases } from './rule-cases.ts';

ruleCases('side-effect-function', {
  fires: [
    'SELECT pg_terminate_backend(pid) FROM pg_stat_activity',
    'SELECT lo_unlink(1)',
    "SELECT nextval('orders_id_seq')",
    "SELECT set_config('search_path', 'evil, pg_catalog', false)",
    'SELECT pg_advisory_lock(42)',
    "SELECT pg_read_file('/etc/passwd')",
    "SELECT * FROM dblink('host=elsewhere', 'DELETE FROM users') AS t(x int)",
    "SELECT query_to_xml('DELETE FROM users RETURNING *', true, false, '')",
    "SELECT pg_notify('channel', 'x')",
    'SELECT pg_catalog.pg_reload_conf()',
  ],
  silent: ["SELECT count(*) FROM pg_stat_activity", "SELECT 'pg_terminate_backend(1)'", "SELECT current_setting('search_path')"],
});
