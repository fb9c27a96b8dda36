import { ruleCases } from './rule-cases.ts';

/** `DO … EXECUTE $x$…$x$` nested `levels` times around `inner`. */
function nestedDo(levels: number, inner: string): string {
  let sql = inner;
  for (let level = 0; level < levels; level++) sql = `DO $d${level}$ BEGIN EXECUTE $e${level}$ ${sql} $e${level}$; END $d${level}$`;
  return sql;
}

ruleCases('nesting-limit', {
  fires: [nestedDo(6, 'DELETE FROM users'), nestedDo(5, 'DELETE FROM users'), `SELECT 1 FROM t WHERE ${'NOT '.repeat(5000)}true`, `SELECT ${'~ '.repeat(3000)}1`],
  silent: [nestedDo(1, 'DELETE FROM users'), nestedDo(4, 'DELETE FROM users'), `SELECT 1 FROM t WHERE ${'NOT '.repeat(50)}true`],
});
