import { ruleCases } from './rule-cases.ts';

ruleCases('require-concurrent-index-deletion', {
  fires: ["DROP INDEX users_email_idx"],
  silent: ["DROP INDEX CONCURRENTLY users_email_idx", "DROP TABLE users"],
});
