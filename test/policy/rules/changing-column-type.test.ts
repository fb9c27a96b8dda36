import { ruleCases } from './rule-cases.ts';

ruleCases('changing-column-type', {
  fires: ["ALTER TABLE users ALTER COLUMN id TYPE bigint"],
  silent: ["ALTER TABLE users ALTER COLUMN id SET DEFAULT 1", "CREATE TABLE t (id int); ALTER TABLE t ALTER COLUMN id TYPE bigint"],
});
