import { ruleCases } from './rule-cases.ts';

ruleCases('ban-drop-database', {
  fires: ["DROP DATABASE prod"],
  silent: ["DROP TABLE prod", "SELECT 'DROP DATABASE prod'"],
});
