import { ruleCases } from './rule-cases.ts';

ruleCases('unrecognised-statement', {
  fires: ["SECURITY LABEL ON TABLE users IS 'x'"],
  silent: ["SELECT 1", "CREATE TABLE t (id int)"],
});
