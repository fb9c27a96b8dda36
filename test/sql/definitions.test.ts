import { beforeAll, describe, expect, it } from 'vitest';
import { calledFunctions, nextSearchPath, searchPathChanges, searchPathValue, unqualifiedRelations } from '../../src/sql/definitions.ts';
import { loadSqlParser, parseSql } from '../../src/sql/parse-sql.ts';

beforeAll(() => loadSqlParser());

function tree(sql: string) {
  const parsed = parseSql(sql);
  if (!parsed.ok) throw new Error(parsed.error);
  const [statement] = parsed.statements;
  return { [statement!.kind]: statement!.node };
}

describe('what a statement tells about names and search_path', () => {
  it('reads a search_path value as PostgreSQL does: unquoted names fold, quoted ones keep their case', () => {
    expect(searchPathValue('App, "Mixed Case",$user ,  public')).toEqual(['app', 'Mixed Case', '$user', 'public']);
    expect(searchPathValue('"a""b"')).toEqual(['a"b']);
  });

  it('sees every way the text sets search_path', () => {
    expect(searchPathChanges(tree('SET search_path = Airlock, "X"'))).toEqual([{ to: ['airlock', 'X'] }]);
    expect(searchPathChanges(tree('SET LOCAL search_path TO DEFAULT'))).toEqual([{ reset: true }]);
    expect(searchPathChanges(tree("SELECT pg_catalog.set_config('search_path', 'app, public', true)"))).toEqual([{ to: ['app', 'public'] }]);
    expect(searchPathChanges(tree("SELECT set_config('search_path', current_user, true)"))).toEqual([{ unknown: expect.stringContaining('run time') }]);
    expect(searchPathChanges(tree("SELECT set_config('work_mem', '1MB', true)"))).toEqual([]);
    expect(searchPathChanges(tree('ALTER ROLE app SET search_path = airlock'))).toEqual([{ to: ['airlock'] }]);
    expect(nextSearchPath(null, [{ to: ['app'] }, { reset: true }])).toBeNull();
  });

  it('keeps the case of quoted function names, and their schema', () => {
    const calls = calledFunctions(tree('SELECT "Count"(1), public.lower(x), count(*) FROM t'));
    expect(calls).toHaveLength(3);
    expect(calls).toEqual(expect.arrayContaining([{ name: 'Count', args: 1 }, { schema: 'public', name: 'lower', args: 1 }, { name: 'count', args: 0 }]));
    expect(calledFunctions(tree('CALL app.purge(1, 2)'))).toEqual([{ schema: 'app', name: 'purge', args: 2 }]);
  });

  it('lists unqualified relations, CTE names left out', () => {
    expect(unqualifiedRelations(tree('WITH gone AS (SELECT 1) UPDATE approvals SET x = 1 FROM gone, app.other'))).toEqual([{ name: 'approvals' }]);
  });
});
