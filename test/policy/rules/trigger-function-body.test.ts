import { beforeAll, describe, expect, it } from 'vitest';
import { classifySql } from '../../../src/policy/classify.ts';
import { loadSqlParser } from '../../../src/sql/parse-sql.ts';
import { functionKey, type TargetCatalogue } from '../../../src/policy/target-catalogue.ts';
import { ruleCases } from './rule-cases.ts';

const PURGE = `CREATE FUNCTION purge() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DELETE FROM users WHERE id = NEW.id; RETURN NEW; END $$`;
const STAMP = `CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$`;

ruleCases('trigger-function-body', {
  fires: [`${PURGE}; CREATE TRIGGER t AFTER INSERT ON events FOR EACH ROW EXECUTE FUNCTION purge()`],
  silent: [
    `${STAMP}; CREATE TRIGGER t BEFORE UPDATE ON events FOR EACH ROW EXECUTE FUNCTION stamp()`,
    'CREATE TRIGGER t BEFORE UPDATE ON events FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger()',
  ],
});

describe('trigger-function-body, with the function found in the target', () => {
  beforeAll(() => loadSqlParser());
  const catalogue = (definition: string): TargetCatalogue => ({
    target: 'db:5432/app',
    searchPath: ['pg_catalog', 'public'],
    functions: {
      [functionKey(null, { schema: 'app', name: 'purge' }, 0)]: [
        { oid: 1, schema: 'app', name: 'purge', kind: 'f', volatility: 'v', language: 'plpgsql', userDefined: true, definition, verdict: undefined },
      ],
    },
    relations: {},
    creationSchemas: {},
    existing: {},
  });

  it('is destructive when the function it runs deletes rows', async () => {
    const { judgeFunctions } = await import('../../../src/policy/routine-verdict.ts');
    const found = catalogue(PURGE.replace('purge()', 'app.purge()'));
    judgeFunctions(found);
    const verdict = classifySql('CREATE TRIGGER t AFTER INSERT ON events FOR EACH ROW EXECUTE FUNCTION app.purge()', { catalogue: found });
    expect(verdict.tier).toBe('destructive');
    expect(verdict.statements[0]!.reasons.join(' ')).toMatch(/app\.purge\(\) in db:5432\/app: its body removes rows/);
  });

  it('says nothing when the target has no such user function (CREATE TRIGGER fails there)', () => {
    const verdict = classifySql('CREATE TRIGGER t AFTER INSERT ON events FOR EACH ROW EXECUTE FUNCTION app.other()', { catalogue: catalogue(PURGE) });
    expect(verdict.statements[0]!.rules).not.toContain('trigger-function-body');
  });
});
