import { ruleCases } from './rule-cases.ts';

ruleCases('constraint-missing-not-valid', {
  fires: ["ALTER TABLE users ADD CONSTRAINT c CHECK (age > 0)"],
  silent: ["ALTER TABLE users ADD CONSTRAINT c CHECK (age > 0) NOT VALID", "ALTER TABLE users VALIDATE CONSTRAINT c"],
});
