import { ruleCases } from './rule-cases.ts';

ruleCases('unknown-function', {
  fires: ["SELECT my_cleanup()"],
  silent: ["SELECT count(*) FROM users", "SELECT lower(email) FROM users"],
});
