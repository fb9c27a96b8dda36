import fs from 'node:fs';
import { INPUT_LIMIT_RULE, INPUT_LIMITS, sqlTooLarge } from '../policy/input-limits.ts';
import { badInput } from '../contracts/errors.ts';

/** The text of a file, or of stdin for `-`; `what` names what is expected, for the error that says what to pass instead. */
export async function readInput(file: string, what: string): Promise<string> {
  if (file === '-') {
    if (process.stdin.isTTY) throw badInput(`- reads ${what} from stdin, but stdin is a terminal: pipe it in, or pass a file`);
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw badInput(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'}): pass ${what === 'SQL' ? 'the path of a .sql file' : `a file with ${what}`}, or - to read stdin`);
  }
}

/**
 * SQL from a file, or from stdin for `-`. Empty input is refused: there is
 * nothing to judge or run. So is input over the size limit, before it is read
 * whole or parsed (INPUT_LIMITS.maxSqlBytes; exit 2).
 */
export async function readSql(file: string): Promise<string> {
  const limit = INPUT_LIMITS.maxSqlBytes;
  if (file === '-' && !process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    let bytes = 0;
    for await (const chunk of process.stdin) {
      bytes += (chunk as Buffer).length;
      if (bytes > limit) {
        process.stdin.destroy();
        throw badInput(`${sqlTooLarge(bytes)?.message.replace('is ', 'is more than ')} (stdin): nothing was run`, INPUT_LIMIT_RULE);
      }
      chunks.push(chunk as Buffer);
    }
    return nonEmpty(Buffer.concat(chunks).toString('utf8'), file);
  }
  if (file !== '-') {
    const size = fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;
    const tooLarge = sqlTooLarge(size);
    if (tooLarge) throw badInput(`${file}: ${tooLarge.message}: nothing was run`, tooLarge.code);
  }
  return nonEmpty(await readInput(file, 'SQL'), file);
}

function nonEmpty(sql: string, file: string): string {
  if (!sql.trim()) throw badInput(`${file === '-' ? 'stdin' : file} holds no SQL: nothing to run`);
  return sql;
}
