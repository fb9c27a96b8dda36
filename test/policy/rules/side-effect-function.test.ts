import { ruleCases } from './rule-cases.ts';

ruleCases('side-effect-function', {
  fires: ["SELECT pg_terminate_backend(pid) FROM pg_stat_activity", "SELECT lo_unlink(1)"],
  silent: ["SELECT count(*) FROM pg_stat_activity", "SELECT 'pg_terminate_backend(1)'"],
});
