import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { openSandbox, type Sandbox } from '../helpers/database.ts';

let db: Sandbox;
beforeEach(async () => {
  db = await openSandbox();
  await db.query(`CREATE TABLE ${db.schema}.counter (id int PRIMARY KEY, n int NOT NULL); INSERT INTO ${db.schema}.counter SELECT generate_series(1, 10), 0`);
});
afterEach(() => db.close());

describe('twenty reviewers approving one action at the same moment', () => {
  it('produce exactly one execution and nineteen "already decided by X at T" answers', async () => {
    const paused = await runCli(['migrate', '-', '--env', 'production', '--as', 'dev', '--json'], {
      input: `UPDATE ${db.schema}.counter SET n = n + 1 WHERE id = 1;`,
    });
    expect(paused.code, paused.stderr).toBe(3);
    const id = paused.json.approval_id as string;

    const reviewers = Array.from({ length: 20 }, (_, i) => `reviewer${i}`);
    const answers = await Promise.all(reviewers.map((reviewer) => runCli(['approve', id, '--as', reviewer, '--json'])));

    const completed = answers.filter((answer) => answer.code === 0);
    expect(completed).toHaveLength(1);
    expect(completed[0]!.json).toMatchObject({ status: 'completed', approval_id: id });
    const refused = answers.filter((answer) => answer.code === 2);
    expect(refused).toHaveLength(19);
    const show = await runCli(['show', id, '--json']);
    const winner = show.json.decided_by as string;
    expect(reviewers).toContain(winner);
    for (const answer of refused) {
      expect(answer.json.error).toMatch(new RegExp(`already approved by ${winner} at \\d{4}-\\d\\d-\\d\\dT`));
    }
    const { rows } = await db.query(`SELECT n FROM ${db.schema}.counter WHERE id = 1`);
    expect(rows).toEqual([{ n: 1 }]);
  });
});
