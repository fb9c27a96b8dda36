import { ruleCases } from './rule-cases.ts';

ruleCases('renaming-column', {
  fires: ["ALTER TABLE users RENAME COLUMN email TO mail"],
  silent: ["ALTER TABLE users RENAME TO people"],
});
