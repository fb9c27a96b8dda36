import { ruleCases } from './rule-cases.ts';

ruleCases('delete-removes-rows', {
  fires: ['DELETE FROM users WHERE id = 1', 'WITH gone AS (DELETE FROM sessions WHERE id < 10 RETURNING id) SELECT count(*) FROM gone', "DO $$ BEGIN DELETE FROM users WHERE id = 2; END $$"],
  silent: ['SELECT * FROM users', "UPDATE users SET name = 'x' WHERE id = 1", "SELECT 'DELETE FROM users'", 'CREATE TABLE scratch AS SELECT 1 AS id;\nDELETE FROM scratch WHERE id = 1'],
});
