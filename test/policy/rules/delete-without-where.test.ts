import { ruleCases } from './rule-cases.ts';

ruleCases('delete-without-where', {
  fires: ["DELETE FROM users", "WITH x AS (DELETE FROM users RETURNING *) SELECT 1"],
  silent: ["DELETE FROM users WHERE id = 1", "SELECT 'DELETE FROM users'"],
});
