import { beforeAll, describe, expect, it } from 'vitest';
import { actionHash, approvalIdFor, confirmationToken, idempotencyKeyFor } from '../../src/policy/action-identity.ts';
import { classifySql } from '../../src/policy/classify.ts';
import { loadSqlParser } from '../../src/sql/parse-sql.ts';

beforeAll(() => loadSqlParser());
const action = { sql: 'DROP TABLE sessions', environment: 'production', target: 'db:5432/app' };

describe('an approval is bound to exactly one action', () => {
  it('changing the SQL, the environment or the target changes the hash', () => {
    const hash = actionHash(action);
    expect(actionHash({ ...action })).toBe(hash);
    expect(actionHash({ ...action, sql: 'DROP TABLE sessions ' })).not.toBe(hash);
    expect(actionHash({ ...action, environment: 'staging' })).not.toBe(hash);
    expect(actionHash({ ...action, target: 'db:5432/other' })).not.toBe(hash);
  });

  it('approval ids and idempotency keys are stable per thread and action', () => {
    const hash = actionHash(action);
    expect(approvalIdFor('thread-1', hash)).toBe(approvalIdFor('thread-1', hash));
    expect(approvalIdFor('thread-1', hash)).not.toBe(approvalIdFor('thread-2', hash));
    expect(approvalIdFor('thread-1', hash)).toMatch(/^apr-[0-9a-f]{10}$/);
    expect(idempotencyKeyFor('thread-1', hash)).toBe(`thread-1:${hash}`);
  });

  it('the confirmation token reads as date-verb-table-hash', () => {
    const hash = actionHash(action);
    const statements = classifySql('SELECT 1; DROP TABLE app.sessions').statements;
    const token = confirmationToken(new Date('2026-11-22T10:00:00Z'), statements, hash);
    expect(token).toBe(`20261122-drop-sessions-${hash.slice(0, 4)}`);
    const other = confirmationToken(new Date('2026-11-22T10:00:00Z'), statements, actionHash({ ...action, environment: 'staging' }));
    expect(other).not.toBe(token);
  });
});
