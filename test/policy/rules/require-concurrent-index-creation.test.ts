import { ruleCases } from './rule-cases.ts';

ruleCases('require-concurrent-index-creation', {
  fires: ["CREATE INDEX i ON users (email)", "CREATE UNIQUE INDEX ON orders (ref)"],
  silent: ["CREATE INDEX CONCURRENTLY i ON users (email)", "CREATE TABLE t (id int); CREATE INDEX i ON t (id)"],
});
