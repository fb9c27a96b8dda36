import { ruleCases } from './rule-cases.ts';

ruleCases('ban-drop-column', {
  fires: ["ALTER TABLE users DROP COLUMN email"],
  silent: ["ALTER TABLE users ADD COLUMN email text", "SELECT drop_column FROM t"],
});
