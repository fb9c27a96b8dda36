import { createHash } from 'node:crypto';
import type { StatementVerdict } from '../contracts/classification.ts';

/**
 * What an approval is bound to: exactly this SQL, in this environment, against
 * this database. Change any of them and it is a different action, with a
 * different hash, approval id and confirmation token.
 */
export interface ActionIdentity {
  sql: string;
  environment: string;
  /** host:port/database of the target, never credentials. */
  target: string;
  /** Rows the dry-run found: an approval is for this many, and no other number. */
  blastRadius?: number;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function actionHash(action: ActionIdentity): string {
  const parts: unknown[] = [action.sql, action.environment, action.target];
  if (action.blastRadius !== undefined) parts.push(action.blastRadius);
  return sha256(JSON.stringify(parts));
}

/** Stable per thread and action, so a node that re-runs on resume finds the same approval row. */
export function approvalIdFor(threadId: string, hash: string): string {
  return `apr-${sha256(`${threadId}\n${hash}`).slice(0, 10)}`;
}

/** The key of the ledger row that proves this action ran. */
export function idempotencyKeyFor(threadId: string, hash: string): string {
  return `${threadId}:${hash}`;
}

const VERBS: Record<string, string> = {
  DropStmt: 'drop', DeleteStmt: 'delete', UpdateStmt: 'update', InsertStmt: 'insert', TruncateStmt: 'truncate',
  AlterTableStmt: 'alter', RenameStmt: 'rename', MergeStmt: 'merge', CreateStmt: 'create', IndexStmt: 'index',
  DoStmt: 'do', GrantStmt: 'grant', SelectStmt: 'select',
};

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 24) || 'x';
}

/**
 * A confirmation token a reviewer types to prove they read this action, e.g.
 * `20261122-drop-t-7f3a`: the request date, the verb and the table in words,
 * then four hex digits of the action hash so it cannot be reused for another action.
 */
export function confirmationToken(requestedAt: Date, statements: StatementVerdict[], hash: string): string {
  const date = requestedAt.toISOString().slice(0, 10).replace(/-/g, '');
  const main = statements.find((statement) => statement.tier === 'destructive') ?? statements[0];
  const verb = main ? (VERBS[main.kind] ?? slug(main.kind.replace(/Stmt$/, ''))) : 'run';
  const table = main?.tables[0]?.split('.').at(-1) ?? 'sql';
  return `${date}-${verb}-${slug(table)}-${hash.slice(0, 4)}`;
}

/** The id of an action that changed data, for `airlock undo`: short, and safe as a table name. */
export function actionIdFor(idempotencyKey: string): string {
  return `act_${sha256(idempotencyKey).slice(0, 12)}`;
}
