import { refuse, type Refusal } from '../contracts/result.ts';

/**
 * Limits on what Airlock is asked to judge, checked before the expensive part
 * (the size before parsing, the count and depth before classifying). Past any
 * of them the verdict is `forbidden` with a line naming the limit, never a
 * lower tier: a text too big or too deep to judge whole is not judged in part.
 * README "Input limits" lists them.
 */
export const INPUT_LIMITS = {
  /** Bytes of SQL text (UTF-8). `check` on 10 MB took 16 s and 2.7 GB before this limit. */
  maxSqlBytes: 1_000_000,
  /** Top-level statements in one text. */
  maxStatements: 1_000,
  /** Nesting of one statement's parse tree (JSON levels); 5,000 nested NOTs crashed the classifier. */
  maxTreeDepth: 1_000,
  /** DO blocks, function bodies, EXECUTE, PREPARE and CTEs unwrapped inside each other. */
  maxRoutineDepth: 4,
} as const;

export const INPUT_LIMIT_RULE = 'input-limit';

function megabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** Why a text is too big to judge, or undefined. Cheap: no parsing. */
export function sqlTooLarge(bytes: number): Refusal<typeof INPUT_LIMIT_RULE> | undefined {
  if (bytes <= INPUT_LIMITS.maxSqlBytes) return undefined;
  return refuse(INPUT_LIMIT_RULE, `the SQL text is ${megabytes(bytes)}, over Airlock's limit of ${megabytes(INPUT_LIMITS.maxSqlBytes)} (${INPUT_LIMIT_RULE}): split it into smaller migrations`);
}

export function tooManyStatements(count: number): Refusal<typeof INPUT_LIMIT_RULE> | undefined {
  if (count <= INPUT_LIMITS.maxStatements) return undefined;
  return refuse(INPUT_LIMIT_RULE, `the SQL text has ${count} statements, over Airlock's limit of ${INPUT_LIMITS.maxStatements} (${INPUT_LIMIT_RULE}): split it into smaller migrations`);
}

// A statement this short cannot nest past the limit: every level of nesting costs at least one character of text.
const SHORTEST_DEEP_TEXT = Math.floor(INPUT_LIMITS.maxTreeDepth / 3);

/**
 * How deep a parse tree nests, counted without recursion (a recursive walk is
 * what crashed), stopping as soon as it passes the limit. Undefined when within it.
 */
export function treeTooDeep(tree: unknown, textLength: number): string | undefined {
  if (textLength < SHORTEST_DEEP_TEXT) return undefined;
  const values: unknown[] = [tree];
  const depths: number[] = [0];
  while (values.length > 0) {
    const value = values.pop() as Record<string, unknown>;
    const depth = depths.pop()! + 1;
    if (depth > INPUT_LIMITS.maxTreeDepth) return `its parse tree nests more than ${INPUT_LIMITS.maxTreeDepth} levels deep`;
    for (const key in value) {
      const child = value[key];
      if (child && typeof child === 'object') {
        values.push(child);
        depths.push(depth);
      }
    }
  }
  return undefined;
}
