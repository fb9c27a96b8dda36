import { describe, expect, it } from 'vitest';
import { useAirlock } from '../../src/runtime/airlock.ts';
import { loadSqlParser, parseSql } from '../../src/sql/parse-sql.ts';
import { replacedObjects } from '../../src/sql/definitions.ts';
import { answerExisting, classifyInTarget, openCatalogueSession } from '../../src/pipeline/target-lookup.ts';
import { inProcessAirlock } from '../helpers/in-process.ts';

const sandbox = inProcessAirlock(
  (s) => `
  CREATE TABLE ${s}.t (id int, note text);
  CREATE TABLE ${s}.log (id int);
  CREATE FUNCTION ${s}.stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.note := 'stamped'; RETURN NEW; END $$;
  CREATE TRIGGER stamp BEFORE INSERT ON ${s}.t FOR EACH ROW EXECUTE FUNCTION ${s}.stamp();
  CREATE RULE keep AS ON INSERT TO ${s}.t DO ALSO INSERT INTO ${s}.log VALUES (NEW.id);
  CREATE VIEW ${s}.v AS SELECT id FROM ${s}.t WHERE id > 1;
`,
);

/** The SQL that restores what `sql` (a CREATE OR REPLACE) would overwrite, as backed up before it runs. */
async function restoreFor(sql: string): Promise<string | undefined> {
  await loadSqlParser();
  const parsed = parseSql(sql);
  if (!parsed.ok) throw new Error(parsed.error);
  const [statement] = parsed.statements;
  const session = await openCatalogueSession((await useAirlock()).databases.target);
  const [object] = replacedObjects(statement!.kind, statement!.node);
  return (await answerExisting(session, null, object!))?.restore;
}

describe('the classify step looks definitions up in the target, and can put them back', () => {
  it('keeps restore SQL for a trigger, a rule and a view that really puts them back', async () => {
    const db = sandbox();
    const s = db.schema;
    const replacements = [
      `CREATE OR REPLACE TRIGGER stamp AFTER INSERT ON ${s}.t FOR EACH ROW EXECUTE FUNCTION ${s}.stamp()`,
      `CREATE OR REPLACE RULE keep AS ON INSERT TO ${s}.t DO INSTEAD NOTHING`,
      `CREATE OR REPLACE VIEW ${s}.v AS SELECT id FROM ${s}.t`,
    ];
    const restores = [];
    for (const sql of replacements) {
      const restore = await restoreFor(sql);
      expect(restore, sql).toBeDefined();
      restores.push(restore!);
      await db.query(sql);
    }
    await db.query(`INSERT INTO ${s}.t VALUES (1, 'x')`);
    expect(await db.count('t')).toBe(0); // DO INSTEAD NOTHING swallowed it
    for (const restore of restores) await db.query(restore);
    await db.query(`INSERT INTO ${s}.t VALUES (1, 'x'), (2, 'y')`);
    expect((await db.query(`SELECT note FROM ${s}.t ORDER BY id`)).rows.map((r) => r.note)).toEqual(['stamped', 'stamped']);
    expect(await db.count('log')).toBe(2);
    expect((await db.query(`SELECT count(*)::int AS n FROM ${s}.v`)).rows[0].n).toBe(1);
  });

  it('a name that is not there replaces nothing; a target that cannot be read fails closed', async () => {
    const { schema } = sandbox();
    expect(await restoreFor(`CREATE OR REPLACE VIEW ${schema}.nothing_here AS SELECT 1`)).toBeUndefined();
    const broken = { query: async () => Promise.reject(new Error('connection lost')) } as never;
    const verdict = await classifyInTarget(broken, `SELECT ${schema}.f()`, 'db:5432/app');
    expect(verdict).toMatchObject({ tier: 'forbidden', error: expect.stringMatching(/could not look up in db:5432\/app .*connection lost/) });
  });

  it('judges a trigger by the function the target holds, and a view replacement by the view there', async () => {
    const { schema, query } = sandbox();
    await query(`CREATE FUNCTION ${schema}.wipe() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DELETE FROM ${schema}.log; RETURN NULL; END $$`);
    const { databases } = await useAirlock();
    const trigger = await classifyInTarget(databases.target, `CREATE TRIGGER w AFTER INSERT ON ${schema}.t EXECUTE FUNCTION ${schema}.wipe()`, databases.targetIdentity);
    expect(trigger.tier).toBe('destructive');
    const replaced = await classifyInTarget(databases.target, `CREATE OR REPLACE VIEW ${schema}.v AS SELECT id FROM ${schema}.t`, databases.targetIdentity);
    expect(replaced.statements[0]!.rules).toContain('replace-existing-definition');
  });
});
