import fs from 'node:fs';
import { badInput } from '../runtime/errors.ts';

/** SQL from a file, or from stdin for `-`. Empty input is refused: there is nothing to judge or run. */
export async function readSql(file: string): Promise<string> {
  let sql: string;
  if (file === '-') {
    if (process.stdin.isTTY) throw badInput('- reads SQL from stdin, but stdin is a terminal: pipe the SQL in, or pass a file');
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    sql = Buffer.concat(chunks).toString('utf8');
  } else {
    try {
      sql = fs.readFileSync(file, 'utf8');
    } catch (error) {
      throw badInput(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'}): pass the path of a .sql file, or - to read stdin`);
    }
  }
  if (!sql.trim()) throw badInput(`${file === '-' ? 'stdin' : file} holds no SQL: nothing to run`);
  return sql;
}
