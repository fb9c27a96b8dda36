import { ruleCases } from './rule-cases.ts';

ruleCases('ban-concurrent-index-creation-in-transaction', {
  fires: ["SELECT 1; CREATE INDEX CONCURRENTLY i ON users (email)", "SET lock_timeout = '1s'; DROP INDEX CONCURRENTLY i", "ANALYZE users; VACUUM users"],
  silent: ["CREATE INDEX CONCURRENTLY i ON users (email)", "SELECT 1; CREATE INDEX i ON users (email)"],
});
