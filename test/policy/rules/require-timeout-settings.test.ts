import { ruleCases } from './rule-cases.ts';

ruleCases('require-timeout-settings', {
  fires: ["ALTER TABLE users ADD COLUMN age int", "CREATE INDEX i ON users (email)"],
  silent: ["SET lock_timeout = '2s'; SET statement_timeout = '1min'; ALTER TABLE users ADD COLUMN age int", "INSERT INTO users VALUES (1)"],
});
