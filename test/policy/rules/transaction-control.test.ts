import { ruleCases } from './rule-cases.ts';

ruleCases('transaction-control', {
  fires: ["COMMIT", "SELECT 1; COMMIT; DROP TABLE users"],
  silent: ["SELECT 'COMMIT'", "SELECT 1"],
});
