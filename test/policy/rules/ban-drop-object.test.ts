import { ruleCases } from './rule-cases.ts';

ruleCases('ban-drop-object', {
  fires: ["DROP VIEW v", "DROP SCHEMA s CASCADE"],
  silent: ["DROP TABLE users", "DROP INDEX i"],
});
