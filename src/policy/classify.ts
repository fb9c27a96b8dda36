import type {
  AlterTableCmd,
  AlterTableStmt,
  DeleteStmt,
  DropStmt,
  ExplainStmt,
  SelectStmt,
  TransactionStmt,
  UpdateStmt,
  VariableSetStmt,
} from '@pgsql/types';
import { INPUT_LIMITS, sqlTooLarge, tooManyStatements, treeTooDeep } from './input-limits.ts';
import { lockFor, strongerLock } from '../sql/lock-level.ts';
import { parseSql, type ParsedStatement } from '../sql/parse-sql.ts';
import { routineBody } from './routine-body.ts';
import { RULES } from './rules/index.ts';
import { nestingLimit } from './rules/nesting-limit.ts';
import { explainRunsItsQuery } from './rules/explain-analyze-executes.ts';
import type { Node, Rule, ScriptContext, StatementContext } from './rules/rule.ts';
import { baselineTier, cannotRunInTransaction, RUNS_NESTED_DML } from '../sql/statement-kinds.ts';
import { isTautology } from './tautology.ts';
import { higherTier, highestTier, type Tier } from '../contracts/tier.ts';
import { gatherFacts, type TreeFacts } from '../sql/tree-facts.ts';
import { CreatedFunctions } from './created-functions.ts';
import { nextSearchPath, searchPathChanges } from '../sql/definitions.ts';
import { judgeRoutineWith } from './routine-judgement.ts';
import type { TargetCatalogue } from './target-catalogue.ts';
import { relationName } from '../sql/names.ts';
import type { Classification, Finding, StatementVerdict } from '../contracts/classification.ts';
import type { LockMode } from '../contracts/lock-mode.ts';
import type { StatementNode, WrappedNode } from '../sql/tree.ts';

/**
 * The classification engine behind `airlock check` and the `classify` node:
 * every statement of a text gets its kind, the tables it touches, whether it
 * is filtered, the table lock it takes, the rules that fired and a tier. The
 * text's tier is the highest of its statements.
 */


const rulesByKind = new Map<string, readonly Rule[]>();
/** The rules that look at a statement kind, worked out once per kind. */
function rulesFor(kind: string): readonly Rule[] {
  let rules = rulesByKind.get(kind);
  if (!rules) rulesByKind.set(kind, (rules = RULES.filter((rule) => !rule.kinds || rule.kinds.has(kind))));
  return rules;
}

// Nesting deeper than this (a DO block in a function in a DO block…) is not unwrapped
// further: a statement with more inside is forbidden (nesting-limit), never judged in part.
const MAX_DEPTH = INPUT_LIMITS.maxRoutineDepth;

/** Names in `DROP … a, b.c`: each object is a list of name parts. */
function droppedObjects(node: DropStmt): string[] {
  if (!/TABLE|VIEW|INDEX|SEQUENCE/.test(String(node.removeType))) return [];
  const objects: readonly WrappedNode[] = node.objects ?? [];
  return objects.map((object) => {
    const items: readonly WrappedNode[] = object.List?.items ?? [];
    const parts = items.map((item) => item.String?.sval ?? '?');
    return parts.length >= 2 ? parts.slice(-2).join('.') : `public.${parts[0] ?? '?'}`;
  });
}

function isFiltered(kind: string, node: Node): boolean {
  if (kind !== 'DeleteStmt' && kind !== 'UpdateStmt' && kind !== 'SelectStmt') return false;
  const { whereClause } = node as DeleteStmt | UpdateStmt | SelectStmt;
  return Boolean(whereClause) && !isTautology(whereClause);
}

/** What judging one top-level statement gathers as it goes down into what the statement runs. */
interface Judging {
  script: ScriptContext;
  tables: Set<string>;
  findings: Finding[];
  /** The highest tier so far, of the statements' own kinds and of the findings. */
  tier: Tier;
  lock: LockMode | null;
  /** The facts of the top-level statement's own tree (undefined past the depth limit). */
  topFacts?: TreeFacts;
}

const NO_NESTED_DML: TreeFacts['nestedDml'] = [];

/**
 * Judge one statement, and what it runs besides itself like statements of
 * their own. `runsNow`: false for the bodies of PREPARE and CREATE FUNCTION,
 * which run later, when called. A function of the module, not a closure: it
 * runs for every statement, and creating it each time showed in the profile.
 */
function visit(judging: Judging, kind: string, node: Node, nested: boolean, depth: number, runsNow: boolean, text?: string): void {
  const { findings, tables } = judging;
  // Too deep to walk safely (the rules recurse): judged by the limit alone, before anything else looks at it.
  const tooDeep = text === undefined ? undefined : treeTooDeep(node, text.length);
  if (tooDeep) {
    findings.push({ rule: nestingLimit.name, tier: nestingLimit.tier, message: nestingLimit.message, detail: tooDeep });
    return;
  }
  const facts = gatherFacts(node, kind);
  judging.topFacts ??= facts;
  for (const table of facts.tables) tables.add(table);
  if (kind === 'DropStmt') for (const name of droppedObjects(node as DropStmt)) tables.add(name);
  judging.tier = higherTier(judging.tier, baselineTier(kind, node));
  const runsItsQuery = kind === 'ExplainStmt' && explainRunsItsQuery(node as ExplainStmt);
  if (runsNow) judging.lock = strongerLock(judging.lock, kind === 'ExplainStmt' && !runsItsQuery ? 'ACCESS SHARE' : lockFor(kind, node));
  const routine = kind === 'DoStmt' || kind === 'CreateFunctionStmt' ? routineBody(kind, node, text) : undefined;
  // Only these kinds run a data-modifying statement nested in them; elsewhere the rules do not see one.
  const nestedDml = RUNS_NESTED_DML.has(kind) ? facts.nestedDml : NO_NESTED_DML;
  const unwrapsMore =
    nestedDml.length > 0 ||
    runsItsQuery ||
    kind === 'PrepareStmt' ||
    (routine !== undefined && (routine.statements.length > 0 || (routine.trees?.length ?? 0) > 0));
  const limitExceeded = depth >= MAX_DEPTH && unwrapsMore ? `more than ${MAX_DEPTH} levels of statements inside statements` : undefined;
  facts.nestedDml = nestedDml;
  // One shape for every statement (fields undefined rather than absent): the rules read it on every statement.
  // The kind the parser gave, with that kind's node: what lets a rule read the node as that kind.
  const context = { kind, node, facts, nested, script: judging.script, routine, limitExceeded } as StatementContext;
  for (const rule of rulesFor(kind)) {
    const hit = rule.check(context);
    if (!hit) continue;
    if (hit === true) findings.push({ rule: rule.name, tier: rule.tier, message: rule.message });
    else findings.push({ rule: rule.name, tier: hit.tier ?? rule.tier, message: rule.message, ...(hit.detail ? { detail: hit.detail } : {}) });
  }
  if (limitExceeded) return;
  // What this statement runs besides itself is judged like a statement of its own.
  for (const dml of nestedDml) visit(judging, dml.kind, dml.node, true, depth + 1, runsNow);
  if (runsItsQuery || kind === 'PrepareStmt') {
    const [innerKind, innerNode] = Object.entries((node.query ?? {}) as Record<string, Node>)[0] ?? [];
    if (innerKind && innerNode) visit(judging, innerKind, innerNode, true, depth + 1, runsNow && kind !== 'PrepareStmt');
  }
  // A rule's actions run later, on every statement the rule matches: judged like statements of their own.
  if (kind === 'RuleStmt') {
    for (const action of (node.actions ?? []) as Node[]) {
      const [innerKind, innerNode] = Object.entries(action)[0] ?? [];
      if (innerKind && innerNode) visit(judging, innerKind, innerNode as Node, true, depth + 1, false);
    }
  }
  if (routine) {
    const bodyRunsNow = runsNow && kind === 'DoStmt';
    for (const tree of routine.trees ?? []) {
      const [innerKind, innerNode] = Object.entries(tree)[0] as [string, Node];
      visit(judging, innerKind, innerNode, true, depth + 1, bodyRunsNow);
    }
    // One parser call for the whole body; one call a statement only when some part does not parse.
    const together = routine.statements.length > 1 ? parseSql(routine.statements.join(';\n')) : undefined;
    const parsedParts = together?.ok ? [together] : routine.statements.map((sql) => parseSql(sql));
    for (const parsed of parsedParts) {
      if (!parsed.ok) {
        findings.push({ rule: 'dynamic-sql', tier: 'destructive', message: 'a statement in this body does not parse, so nobody can review it', detail: parsed.error });
        continue;
      }
      for (const inner of parsed.statements) visit(judging, inner.kind, inner.node, true, depth + 1, bodyRunsNow, inner.text);
    }
  }
}

/** One finding per rule and tier (a rule fires once per statement it sees, nested ones included). */
function distinctFindings(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((finding) => {
    const key = `${finding.rule}/${finding.tier}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/** A statement's verdict, and the facts of its own tree (undefined past the depth limit) for what comes after it. */
function judgeStatement(statement: { kind: string; node: Node; text: string }, script: ScriptContext): { verdict: StatementVerdict; facts: TreeFacts | undefined } {
  const judging: Judging = { script, tables: new Set(), findings: [], tier: 'read', lock: null };
  visit(judging, statement.kind, statement.node, false, 0, true, statement.text);
  const { findings, tables, lock, topFacts } = judging;
  const unique = findings.length < 2 ? findings : distinctFindings(findings);
  let tier = judging.tier;
  for (const finding of unique) tier = higherTier(tier, finding.tier);
  const verdict: StatementVerdict = {
    kind: statement.kind,
    tier,
    tables: [...tables],
    // A tree past the depth limit is not walked again (isTautology recurses).
    filtered: !unique.some((finding) => finding.rule === nestingLimit.name) && isFiltered(statement.kind, statement.node),
    lock,
    outsideTransaction: cannotRunInTransaction(statement.kind, statement.node),
    rules: unique.length === 0 ? [] : [...new Set(unique.map((finding) => finding.rule))],
    findings: unique,
    reasons: unique.map((finding) => (finding.detail ? `${finding.message} (${finding.detail})` : finding.message)),
    text: statement.text,
  };
  return { verdict, facts: topFacts };
}

const NOTHING: ReadonlySet<string> = new Set();
const NO_CHECKS: ReadonlyMap<string, string> = new Map();

/** `set` with `item` added: a set of the text's own the first time (the shared empty one is never written). */
function added(set: ReadonlySet<string>, item: string): ReadonlySet<string> {
  const own = set === NOTHING ? new Set<string>() : (set as Set<string>);
  own.add(item);
  return own;
}

function opensTransaction(statements: ParsedStatement[]): boolean {
  for (const { kind, node } of statements) {
    if (kind !== 'TransactionStmt') continue;
    const transaction = node as TransactionStmt;
    if (transaction.kind === 'TRANS_STMT_BEGIN' || transaction.kind === 'TRANS_STMT_START') return true;
  }
  return false;
}

function freshScript(statementCount: number, statements: ParsedStatement[], catalogue?: TargetCatalogue): ScriptContext {
  return {
    searchPath: null,
    createdFunctions: new CreatedFunctions(),
    // Every field present from the start (undefined when unknown): the rules read this object on every statement.
    catalogue,
    schemaBeforeCatalogue: undefined,
    statementCount,
    hasTransactionBlock: opensTransaction(statements),
    // Shared empty collections until a statement adds to one (most texts never do): see `added`.
    createdTables: NOTHING,
    preparedNames: NOTHING,
    lockTimeoutSet: false,
    statementTimeoutSet: false,
    notValidConstraints: NOTHING,
    validatedNotNull: NOTHING,
    tablesWithValidatedConstraint: NOTHING,
    notNullChecks: NO_CHECKS,
  };
}

/** What a statement tells the statements after it: tables it created, names it prepared, timeouts it set. */
function remember(script: ScriptContext, statement: ParsedStatement, facts: TreeFacts | undefined): void {
  // The kind the parser gave, with that kind's node: each branch reads the node as its kind.
  const { kind, node } = statement as StatementNode;
  if (kind === 'CreateStmt' || kind === 'CreateTableAsStmt') {
    const relation = kind === 'CreateStmt' ? node.relation : node.into?.rel;
    if (relation?.relname) script.createdTables = added(script.createdTables, relationName(relation));
  } else if (kind === 'PrepareStmt') {
    script.preparedNames = added(script.preparedNames, String(node.name));
  } else if (kind === 'AlterTableStmt') {
    rememberConstraints(script, node);
  } else if (kind === 'VariableSetStmt') {
    if (node.name === 'search_path') rememberSearchPath(script, node);
    if (node.name === 'lock_timeout') script.lockTimeoutSet = true;
    if (node.name === 'statement_timeout') script.statementTimeoutSet = true;
  } else if (kind === 'CreateFunctionStmt') {
    // A trigger created later in the same text runs this body.
    const funcname: readonly WrappedNode[] = node.funcname ?? [];
    const parts = funcname.map((part) => part.String?.sval ?? '');
    const { catalogue } = script;
    script.createdFunctions.add(parts[parts.length - 1] ?? '', () => judgeRoutineWith({ classifySql, classifyStatement }, kind, node, statement.text, catalogue));
  }
  // SET search_path / set_config('search_path', …): later statements' names resolve through it.
  script.searchPath = nextSearchPath(script.searchPath, facts?.searchPathChanges ?? searchPathChanges({ [kind]: node }));
}

/**
 * PostgreSQL searches pg_catalog first unless search_path names it later: then a
 * function of an earlier schema with a built-in's name is what an unqualified call runs.
 */
function rememberSearchPath(script: ScriptContext, node: VariableSetStmt): void {
  const args: readonly WrappedNode[] = node.args ?? [];
  const schemas = args.map((arg) => arg.A_Const?.sval?.sval ?? '?');
  const catalogue = schemas.indexOf('pg_catalog');
  if (catalogue > 0) script.schemaBeforeCatalogue = schemas[0];
  else if (node.kind === 'VAR_RESET' || node.kind === 'VAR_SET_DEFAULT' || schemas.length > 0) script.schemaBeforeCatalogue = undefined;
}

/** The column a `CHECK (column IS NOT NULL)` is about, or undefined. */
function notNullCheckColumn(expression: WrappedNode | undefined): string | undefined {
  const test = expression?.NullTest;
  if (test?.nulltesttype !== 'IS_NOT_NULL') return undefined;
  const arg: WrappedNode | undefined = test.arg;
  const fields: readonly WrappedNode[] = arg?.ColumnRef?.fields ?? [];
  return fields.length === 1 ? fields[0]?.String?.sval : undefined;
}

/** NOT VALID constraints added, and constraints validated: what SET NOT NULL and VALIDATE later in the text rely on. */
function rememberConstraints(script: ScriptContext, node: AlterTableStmt): void {
  const relation = node.relation;
  if (!relation?.relname) return;
  const table = relationName(relation);
  const commands: readonly WrappedNode[] = node.cmds ?? [];
  for (const wrapped of commands) {
    const command: AlterTableCmd = wrapped.AlterTableCmd ?? {};
    if (command.subtype === 'AT_AddConstraint') {
      const def: WrappedNode | undefined = command.def;
      const constraint = def?.Constraint;
      const name = typeof constraint?.conname === 'string' ? constraint.conname : undefined;
      if (!constraint || !name || !constraint.skip_validation) continue;
      script.notValidConstraints = added(script.notValidConstraints, name);
      const column = constraint.contype === 'CONSTR_CHECK' ? notNullCheckColumn(constraint.raw_expr) : undefined;
      if (column) script.notNullChecks = new Map([...script.notNullChecks, [name, `${table}.${column}`]]);
    } else if (command.subtype === 'AT_ValidateConstraint' && typeof command.name === 'string') {
      const column = script.notNullChecks.get(command.name);
      if (column?.startsWith(`${table}.`)) script.validatedNotNull = added(script.validatedNotNull, column);
      else if (!script.notValidConstraints.has(command.name)) script.tablesWithValidatedConstraint = added(script.tablesWithValidatedConstraint, table);
    }
  }
}

/** Classify one parsed statement on its own (as if it were the whole text). */
export function classifyStatement(statement: ParsedStatement): StatementVerdict {
  return judgeStatement(statement, freshScript(1, [statement])).verdict;
}

export interface ClassifyOptions {
  /** What the target database's catalogue says about the names the text uses (the classify step looks them up). */
  catalogue?: TargetCatalogue;
}

/** Classify SQL text. Needs the parser loaded (`await loadSqlParser()`). */
export function classifySql(sql: string, options: ClassifyOptions = {}): Classification {
  // Checked before parsing: a UTF-8 character is at most 3 bytes per UTF-16 unit, so short texts skip the count.
  const tooLarge = sql.length * 3 > INPUT_LIMITS.maxSqlBytes ? sqlTooLarge(Buffer.byteLength(sql, 'utf8')) : undefined;
  if (tooLarge) return { tier: 'forbidden', statements: [], error: tooLarge.message, errorCode: tooLarge.code };
  const parsed = parseSql(sql);
  if (!parsed.ok) {
    const where = parsed.line ? ` at line ${parsed.line}, column ${parsed.column}` : '';
    return { tier: 'forbidden', statements: [], error: `SQL does not parse: ${parsed.error}${where}`, errorCode: 'parse-error' };
  }
  if (parsed.statements.length === 0) {
    return { tier: 'forbidden', statements: [], error: 'no SQL statement found (the text is empty or only comments)', errorCode: 'empty' };
  }
  const tooMany = tooManyStatements(parsed.statements.length);
  if (tooMany) return { tier: 'forbidden', statements: [], error: tooMany.message, errorCode: tooMany.code };
  const script = freshScript(parsed.statements.length, parsed.statements, options.catalogue);
  const statements = parsed.statements.map((statement) => {
    const { verdict, facts } = judgeStatement(statement, script);
    remember(script, statement, facts);
    return verdict;
  });
  return { tier: highestTier(statements.map((statement) => statement.tier)), statements };
}

/** One line naming what the text does, for inbox rows and audit entries. */
export function summarise(classification: Classification): string {
  const first = classification.statements[0];
  if (!first) return classification.error ?? 'nothing to run';
  const head = first.text.replace(/\s+/g, ' ').replace(/;$/, '');
  const shown = head.length > 100 ? `${head.slice(0, 97)}…` : head;
  const more = classification.statements.length - 1;
  return more > 0 ? `${shown} (+${more} more statement${more > 1 ? 's' : ''})` : shown;
}

/** Text that does not parse, or holds no statement: bad input (exit 2). A limit is a block (exit 4). */
export function isBadInput(classification: Pick<Classification, 'errorCode'> | undefined): boolean {
  return classification?.errorCode === 'parse-error' || classification?.errorCode === 'empty';
}
