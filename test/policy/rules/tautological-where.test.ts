import { ruleCases } from './rule-cases.ts';

ruleCases('tautological-where', {
  fires: ["DELETE FROM users WHERE 1 = 1", "UPDATE users SET a = 1 WHERE x IS NULL OR x IS NOT NULL"],
  silent: ["DELETE FROM users WHERE id = 1", "SELECT * FROM users WHERE true"],
});
