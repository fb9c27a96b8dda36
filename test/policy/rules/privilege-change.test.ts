import { ruleCases } from './rule-cases.ts';

ruleCases('privilege-change', {
  fires: ["GRANT ALL ON users TO public", "SET ROLE postgres", "ALTER SYSTEM SET work_mem = '1GB'"],
  silent: ["SET search_path TO app", "SELECT * FROM grants"],
});
