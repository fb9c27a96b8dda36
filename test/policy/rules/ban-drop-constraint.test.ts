import { ruleCases } from './rule-cases.ts';

ruleCases('ban-drop-constraint', {
  fires: ["ALTER TABLE users DROP CONSTRAINT users_pkey"],
  silent: ["ALTER TABLE users ADD CONSTRAINT c CHECK (a > 0) NOT VALID"],
});
