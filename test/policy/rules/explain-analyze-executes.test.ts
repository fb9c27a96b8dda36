import { ruleCases } from './rule-cases.ts';

ruleCases('explain-analyze-executes', {
  fires: ["EXPLAIN ANALYZE DELETE FROM users WHERE id = 1"],
  silent: ["EXPLAIN DELETE FROM users", "EXPLAIN ANALYZE SELECT 1"],
});
