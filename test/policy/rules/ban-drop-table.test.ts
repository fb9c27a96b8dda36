import { ruleCases } from './rule-cases.ts';

ruleCases('ban-drop-table', {
  fires: ["DROP TABLE users", "SELECT 1; DROP TABLE IF EXISTS users CASCADE"],
  silent: ["SELECT 'DROP TABLE users'", "DROP VIEW v"],
});
