import { ruleCases } from './rule-cases.ts';

ruleCases('select-into', {
  fires: ["SELECT * INTO backup FROM users"],
  silent: ["SELECT * FROM users"],
});
