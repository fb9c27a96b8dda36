import { ruleCases } from './rule-cases.ts';

ruleCases('renaming-table', {
  fires: ["ALTER TABLE users RENAME TO people"],
  silent: ["ALTER TABLE users RENAME COLUMN email TO mail"],
});
