import type { MergeWhenClause } from '@pgsql/types';
import type { ClassifyOptions } from './classify.ts';
import { calledFunctions, walk, type Node } from '../sql/definitions.ts';
import { parseSql } from '../sql/parse-sql.ts';
import { routineBody } from './routine-body.ts';
import { lookUpFunction, type ResolvedFunction, type RoutineVerdict, type TargetCatalogue } from './target-catalogue.ts';
import { highestTier, type Tier } from '../contracts/tier.ts';
import type { Classification, StatementVerdict } from '../contracts/classification.ts';

/**
 * What a function, procedure or trigger function will do when something runs
 * it later: the highest tier of the statements in its body, and whether any
 * of them makes rows disappear. Pure; needs the parser loaded.
 *
 * Judging a body means classifying its statements, and classifying a text
 * means judging the bodies it defines: the classifier is passed in (classify.ts
 * passes itself; routine-verdict.ts binds it for everyone else), so the two
 * modules import each other only for types.
 */
export interface Classifier {
  classifySql(sql: string, options?: ClassifyOptions): Classification;
  classifyStatement(statement: { kind: string; node: Node; text: string; location: number }): StatementVerdict;
}

function removesRows(tree: unknown): boolean {
  let found = false;
  walk({ root: tree }, (key, node) => {
    if (key === 'DeleteStmt' || key === 'TruncateStmt' || key === 'DropStmt') found = true;
    if (key === 'MergeWhenClause' && (node as MergeWhenClause).commandType === 'CMD_DELETE') found = true;
  });
  return found;
}

const OPAQUE: RoutineVerdict = { tier: 'destructive', deletes: false, rules: ['dynamic-sql'], detail: '' };

/** The verdict on a CREATE FUNCTION/PROCEDURE statement's body (from the parse tree). */
export function judgeRoutineWith(classify: Classifier, kind: string, node: object, text: string | undefined, catalogue?: TargetCatalogue): RoutineVerdict | undefined {
  const routine = routineBody(kind, node, text);
  if (!routine) return undefined;
  if (routine.error) return { ...OPAQUE, detail: `its body does not parse (${routine.error})` };
  if (routine.dynamic.length) return { ...OPAQUE, detail: `its body runs SQL built at run time (EXECUTE ${routine.dynamic[0]!.slice(0, 60)})` };
  const tiers: Tier[] = ['read'];
  const rules = new Set<string>();
  let deletes = false;
  let worst = '';
  const judge = (verdictTier: Tier, fired: string[], what: string, tree: unknown) => {
    for (const rule of fired) rules.add(rule);
    if (removesRows(tree)) deletes = true;
    if (highestTier([verdictTier, ...tiers]) !== highestTier(tiers) || !worst) worst = what;
    tiers.push(verdictTier);
  };
  for (const tree of routine.trees ?? []) {
    const [innerKind, innerNode] = Object.entries(tree)[0] as [string, Node];
    const verdict = classify.classifyStatement({ kind: innerKind, node: innerNode, text: innerKind, location: 0 });
    judge(verdict.tier, verdict.rules, innerKind, tree);
  }
  for (const sql of routine.statements) {
    const parsed = parseSql(sql);
    if (!parsed.ok) {
      judge('destructive', ['dynamic-sql'], `a statement that does not parse (${sql.slice(0, 60)})`, undefined);
      continue;
    }
    const verdict = classify.classifySql(sql, catalogue ? { catalogue } : {});
    judge(verdict.tier, verdict.statements.flatMap((statement) => statement.rules), sql.replace(/\s+/g, ' ').trim().slice(0, 80), parsed.statements.map((s) => ({ [s.kind]: s.node })));
  }
  const tier = highestTier(tiers);
  return { tier: deletes ? 'destructive' : tier, deletes, rules: [...rules], detail: deletes ? `its body removes rows (${worst})` : `its body runs ${worst || 'nothing'}` };
}

/** The verdict on a function found in the target: by its body when Airlock can read it, else by its declared volatility. */
function judgeFound(classify: Classifier, fn: ResolvedFunction, catalogue: TargetCatalogue): RoutineVerdict {
  if (fn.definition) {
    const parsed = parseSql(fn.definition);
    const statement = parsed.ok ? parsed.statements[0] : undefined;
    if (statement && statement.kind === 'CreateFunctionStmt') {
      const verdict = judgeRoutineWith(classify, statement.kind, statement.node, statement.text, catalogue);
      if (verdict) return fn.volatility === 'v' ? { ...verdict, tier: highestTier([verdict.tier, 'write']) } : verdict;
    }
    return { ...OPAQUE, detail: 'its definition could not be read' };
  }
  // C and other languages: only the declared volatility says anything (Postgres does not check it for them).
  return fn.volatility === 'v'
    ? { tier: 'write', deletes: false, rules: [], detail: `a VOLATILE ${fn.language} function Airlock cannot read` }
    : { tier: 'read', deletes: false, rules: [], detail: `a ${fn.volatility === 'i' ? 'IMMUTABLE' : 'STABLE'} ${fn.language} function` };
}

/**
 * Judge every user-defined function in the catalogue, callees before callers
 * (a function that calls one that deletes deletes too). A function met again
 * while it is being judged (recursion) counts as a write.
 */
export function judgeFunctionsWith(classify: Classifier, catalogue: TargetCatalogue): void {
  const byOid = new Map<number, ResolvedFunction[]>();
  for (const candidates of Object.values(catalogue.functions)) {
    for (const fn of candidates) if (fn.userDefined) byOid.set(fn.oid, [...(byOid.get(fn.oid) ?? []), fn]);
  }
  const done = new Map<number, RoutineVerdict>();
  const visiting = new Set<number>();
  const judge = (oid: number): void => {
    if (done.has(oid) || visiting.has(oid)) return;
    visiting.add(oid);
    const fn = byOid.get(oid)![0]!;
    // Its callees first, so the rules see their verdicts when its body is classified.
    if (fn.definition) {
      const parsed = parseSql(fn.definition);
      const statement = parsed.ok ? parsed.statements[0] : undefined;
      const body = statement ? routineBody(statement.kind, statement.node, statement.text) : undefined;
      for (const sql of body?.statements ?? []) {
        const inner = parseSql(sql);
        if (!inner.ok) continue;
        for (const call of inner.statements.flatMap((s) => calledFunctions(s.node))) {
          for (const callee of lookUpFunction(catalogue, null, call, call.args) ?? []) {
            if (!callee.userDefined) continue;
            if (visiting.has(callee.oid)) {
              for (const copy of byOid.get(callee.oid) ?? []) copy.verdict ??= { tier: 'write', deletes: false, rules: [], detail: 'it calls itself' };
            } else judge(callee.oid);
          }
        }
      }
    }
    const verdict = judgeFound(classify, fn, catalogue);
    done.set(oid, verdict);
    for (const copy of byOid.get(oid) ?? []) copy.verdict = verdict;
    visiting.delete(oid);
  };
  for (const oid of byOid.keys()) judge(oid);
}
