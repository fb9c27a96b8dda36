import { INPUT_LIMITS, sqlTooLarge, tooManyStatements, treeTooDeep } from './input-limits.ts';
import { lockFor, strongerLock, type LockMode } from './lock-level.ts';
import { parseSql, type ParsedStatement } from './parse-sql.ts';
import { routineBody } from './routine-body.ts';
import { RULES } from './rules/index.ts';
import { nestingLimit } from './rules/nesting-limit.ts';
import { explainRunsItsQuery } from './rules/explain-analyze-executes.ts';
import type { Node, Rule, ScriptContext } from './rules/rule.ts';
import { baselineTier, cannotRunInTransaction } from './statement-kinds.ts';
import { isTautology } from './tautology.ts';
import { highestTier, type Tier } from './tier.ts';
import { gatherFacts } from './tree-facts.ts';
import { nextSearchPath, searchPathChanges } from './definitions.ts';
import { judgeRoutine } from './routine-verdict.ts';
import type { TargetCatalogue } from './target-catalogue.ts';

/**
 * The classification engine behind `airlock check` and the `classify` node:
 * every statement of a text gets its kind, the tables it touches, whether it
 * is filtered, the table lock it takes, the rules that fired and a tier. The
 * text's tier is the highest of its statements.
 */

export interface Finding {
  rule: string;
  tier: Tier;
  message: string;
  detail?: string;
}

export interface StatementVerdict {
  kind: string;
  tier: Tier;
  tables: string[];
  /** DELETE/UPDATE/SELECT: a WHERE clause that actually filters (a tautology does not). */
  filtered: boolean;
  lock: LockMode | null;
  /** PostgreSQL refuses to run it inside a transaction block (CONCURRENTLY, VACUUM). */
  outsideTransaction: boolean;
  /** Names of the rules that fired, for the verdict, the audit trail and the README. */
  rules: string[];
  findings: Finding[];
  /** The findings' messages, for people. */
  reasons: string[];
  text: string;
}

export interface Classification {
  tier: Tier;
  statements: StatementVerdict[];
  /** Set when the text does not parse: the tier is then `forbidden` (fail closed). */
  error?: string;
  /** Why there is an error, for code that acts on it: bad input (does not parse, empty) or a limit (blocked). */
  errorCode?: 'parse-error' | 'empty' | 'input-limit';
}

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
// Kinds in which a nested data-modifying statement runs when the statement runs.
const RUNS_NESTED_DML = new Set(['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt', 'CopyStmt', 'CreateTableAsStmt']);

/** Names in `DROP … a, b.c`: each object is a list of name parts. */
function droppedObjects(node: Node): string[] {
  if (!/TABLE|VIEW|INDEX|SEQUENCE/.test(String(node.removeType))) return [];
  const objects = (node.objects ?? []) as { List?: { items?: { String?: { sval?: string } }[] } }[];
  return objects.map((object) => {
    const parts = (object.List?.items ?? []).map((item) => item.String?.sval ?? '?');
    return parts.length >= 2 ? parts.slice(-2).join('.') : `public.${parts[0] ?? '?'}`;
  });
}

function isFiltered(kind: string, node: Node): boolean {
  if (kind !== 'DeleteStmt' && kind !== 'UpdateStmt' && kind !== 'SelectStmt') return false;
  return Boolean(node.whereClause) && !isTautology(node.whereClause);
}

function classifyStatementIn(statement: { kind: string; node: Node; text: string }, script: ScriptContext): StatementVerdict {
  const tables = new Set<string>();
  const findings: Finding[] = [];
  const tiers: Tier[] = [];
  let lock: LockMode | null = null;

  // `runsNow`: false for the bodies of PREPARE and CREATE FUNCTION, which run later, when called.
  const visit = (kind: string, node: Node, nested: boolean, depth: number, runsNow = true, text?: string): void => {
    // Too deep to walk safely (the rules recurse): judged by the limit alone, before anything else looks at it.
    const tooDeep = text === undefined ? undefined : treeTooDeep(node, text.length);
    if (tooDeep) {
      findings.push({ rule: nestingLimit.name, tier: nestingLimit.tier, message: nestingLimit.message, detail: tooDeep });
      return;
    }
    const facts = gatherFacts(node);
    for (const table of facts.tables) tables.add(table);
    if (kind === 'DropStmt') for (const name of droppedObjects(node)) tables.add(name);
    tiers.push(baselineTier(kind, node));
    const runsItsQuery = kind === 'ExplainStmt' && explainRunsItsQuery(node);
    if (runsNow) lock = strongerLock(lock, kind === 'ExplainStmt' && !runsItsQuery ? 'ACCESS SHARE' : lockFor(kind, node));
    const routine = (kind === 'DoStmt' || kind === 'CreateFunctionStmt') ? routineBody(kind, node, text) : undefined;
    const unwrapsMore =
      (RUNS_NESTED_DML.has(kind) && facts.nestedDml.length > 0) ||
      runsItsQuery ||
      kind === 'PrepareStmt' ||
      (routine !== undefined && (routine.statements.length > 0 || (routine.trees?.length ?? 0) > 0));
    const limitExceeded = depth >= MAX_DEPTH && unwrapsMore ? `more than ${MAX_DEPTH} levels of statements inside statements` : undefined;
    const context = {
      kind,
      node,
      facts: RUNS_NESTED_DML.has(kind) ? facts : { ...facts, nestedDml: [] },
      nested,
      script,
      ...(routine ? { routine } : {}),
      ...(limitExceeded ? { limitExceeded } : {}),
    };
    for (const rule of rulesFor(kind)) {
      const hit = rule.check(context);
      if (!hit) continue;
      const { tier = rule.tier, detail } = hit === true ? {} : hit;
      findings.push({ rule: rule.name, tier, message: rule.message, ...(detail ? { detail } : {}) });
    }
    if (limitExceeded) return;
    // What this statement runs besides itself is judged like a statement of its own.
    if (RUNS_NESTED_DML.has(kind)) for (const dml of facts.nestedDml) visit(dml.kind, dml.node, true, depth + 1, runsNow);
    if (runsItsQuery || kind === 'PrepareStmt') {
      const [innerKind, innerNode] = Object.entries((node.query ?? {}) as Record<string, Node>)[0] ?? [];
      if (innerKind && innerNode) visit(innerKind, innerNode, true, depth + 1, runsNow && kind !== 'PrepareStmt');
    }
    // A rule's actions run later, on every statement the rule matches: judged like statements of their own.
    if (kind === 'RuleStmt') {
      for (const action of (node.actions ?? []) as Node[]) {
        const [innerKind, innerNode] = Object.entries(action)[0] ?? [];
        if (innerKind && innerNode) visit(innerKind, innerNode as Node, true, depth + 1, false);
      }
    }
    if (routine) {
      const bodyRunsNow = runsNow && kind === 'DoStmt';
      for (const tree of routine.trees ?? []) {
        const [innerKind, innerNode] = Object.entries(tree)[0] as [string, Node];
        visit(innerKind, innerNode, true, depth + 1, bodyRunsNow);
      }
      // One parser call for the whole body; one call a statement only when some part does not parse.
      const together = routine.statements.length > 1 ? parseSql(routine.statements.join(';\n')) : undefined;
      const parsedParts = together?.ok ? [together] : routine.statements.map((sql) => parseSql(sql));
      for (const parsed of parsedParts) {
        if (!parsed.ok) {
          findings.push({ rule: 'dynamic-sql', tier: 'destructive', message: 'a statement in this body does not parse, so nobody can review it', detail: parsed.error });
          continue;
        }
        for (const inner of parsed.statements) visit(inner.kind, inner.node, true, depth + 1, bodyRunsNow, inner.text);
      }
    }
  };

  visit(statement.kind, statement.node, false, 0, true, statement.text);
  const seen = new Set<string>();
  const unique = findings.filter((finding) => {
    const key = `${finding.rule}/${finding.tier}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
  return {
    kind: statement.kind,
    tier: highestTier([...tiers, ...unique.map((finding) => finding.tier)]),
    tables: [...tables],
    // A tree past the depth limit is not walked again (isTautology recurses).
    filtered: !unique.some((finding) => finding.rule === nestingLimit.name) && isFiltered(statement.kind, statement.node),
    lock,
    outsideTransaction: cannotRunInTransaction(statement.kind, statement.node),
    rules: [...new Set(unique.map((finding) => finding.rule))],
    findings: unique,
    reasons: unique.map((finding) => (finding.detail ? `${finding.message} (${finding.detail})` : finding.message)),
    text: statement.text,
  };
}

function freshScript(statementCount: number, statements: ParsedStatement[], catalogue?: TargetCatalogue): ScriptContext {
  return {
    searchPath: null,
    createdFunctions: new Map(),
    ...(catalogue ? { catalogue } : {}),
    statementCount,
    hasTransactionBlock: statements.some(
      (s) => s.kind === 'TransactionStmt' && ['TRANS_STMT_BEGIN', 'TRANS_STMT_START'].includes(String(s.node.kind)),
    ),
    createdTables: new Set(),
    preparedNames: new Set(),
    lockTimeoutSet: false,
    statementTimeoutSet: false,
    notValidConstraints: new Set(),
    validatedNotNull: new Set(),
    tablesWithValidatedConstraint: new Set(),
    notNullChecks: new Map(),
  };
}

/** What a statement tells the statements after it: tables it created, names it prepared, timeouts it set. */
function remember(script: ScriptContext, statement: ParsedStatement): void {
  const { kind, node } = statement;
  if (kind === 'CreateStmt' || kind === 'CreateTableAsStmt') {
    const relation = (kind === 'CreateStmt' ? node.relation : (node.into as { rel?: unknown } | undefined)?.rel) as
      | { schemaname?: string; relname?: string }
      | undefined;
    if (relation?.relname) script.createdTables.add(`${relation.schemaname || 'public'}.${relation.relname}`);
  } else if (kind === 'PrepareStmt') {
    script.preparedNames.add(String(node.name));
  } else if (kind === 'AlterTableStmt') {
    rememberConstraints(script, node);
  } else if (kind === 'VariableSetStmt') {
    if (node.name === 'search_path') rememberSearchPath(script, node);
    if (node.name === 'lock_timeout') script.lockTimeoutSet = true;
    if (node.name === 'statement_timeout') script.statementTimeoutSet = true;
  } else if (kind === 'CreateFunctionStmt') {
    // A trigger created later in the same text runs this body.
    const verdict = judgeRoutine(kind, node, statement.text, script.catalogue);
    // By name alone: a trigger naming any schema's function of that name is judged by the worst of them.
    const parts = ((node.funcname ?? []) as { String?: { sval?: string } }[]).map((part) => part.String?.sval ?? '');
    const name = parts[parts.length - 1] ?? '';
    const earlier = script.createdFunctions.get(name);
    if (verdict && (!earlier || highestTier([earlier.tier, verdict.tier]) !== earlier.tier)) script.createdFunctions.set(name, verdict);
  }
  // SET search_path / set_config('search_path', …): later statements' names resolve through it.
  script.searchPath = nextSearchPath(script.searchPath, searchPathChanges({ [kind]: node }));
}

/**
 * PostgreSQL searches pg_catalog first unless search_path names it later: then a
 * function of an earlier schema with a built-in's name is what an unqualified call runs.
 */
function rememberSearchPath(script: ScriptContext, node: Node): void {
  const schemas = ((node.args ?? []) as { A_Const?: { sval?: { sval?: string } } }[]).map((arg) => arg.A_Const?.sval?.sval ?? '?');
  const catalogue = schemas.indexOf('pg_catalog');
  if (catalogue > 0) script.schemaBeforeCatalogue = schemas[0];
  else if (node.kind === 'VAR_RESET' || node.kind === 'VAR_SET_DEFAULT' || schemas.length > 0) delete script.schemaBeforeCatalogue;
}

/** The column a `CHECK (column IS NOT NULL)` is about, or undefined. */
function notNullCheckColumn(expression: unknown): string | undefined {
  const test = (expression as { NullTest?: { nulltesttype?: string; arg?: { ColumnRef?: { fields?: { String?: { sval?: string } }[] } } } })?.NullTest;
  if (test?.nulltesttype !== 'IS_NOT_NULL') return undefined;
  const fields = test.arg?.ColumnRef?.fields ?? [];
  return fields.length === 1 ? fields[0]?.String?.sval : undefined;
}

/** NOT VALID constraints added, and constraints validated: what SET NOT NULL and VALIDATE later in the text rely on. */
function rememberConstraints(script: ScriptContext, node: Node): void {
  const relation = node.relation as { schemaname?: string; relname?: string } | undefined;
  if (!relation?.relname) return;
  const table = `${relation.schemaname || 'public'}.${relation.relname}`;
  for (const { AlterTableCmd: command = {} } of (node.cmds ?? []) as { AlterTableCmd?: Node }[]) {
    if (command.subtype === 'AT_AddConstraint') {
      const constraint = (command.def as { Constraint?: Node } | undefined)?.Constraint;
      const name = typeof constraint?.conname === 'string' ? constraint.conname : undefined;
      if (!constraint || !name || !constraint.skip_validation) continue;
      script.notValidConstraints.add(name);
      const column = constraint.contype === 'CONSTR_CHECK' ? notNullCheckColumn(constraint.raw_expr) : undefined;
      if (column) script.notNullChecks.set(name, `${table}.${column}`);
    } else if (command.subtype === 'AT_ValidateConstraint' && typeof command.name === 'string') {
      const column = script.notNullChecks.get(command.name);
      if (column?.startsWith(`${table}.`)) script.validatedNotNull.add(column);
      else if (!script.notValidConstraints.has(command.name)) script.tablesWithValidatedConstraint.add(table);
    }
  }
}

/** Classify one parsed statement on its own (as if it were the whole text). */
export function classifyStatement(statement: ParsedStatement): StatementVerdict {
  return classifyStatementIn(statement, freshScript(1, [statement]));
}

export interface ClassifyOptions {
  /** What the target database's catalogue says about the names the text uses (the classify step looks them up). */
  catalogue?: TargetCatalogue;
}

/** Classify SQL text. Needs the parser loaded (`await loadSqlParser()`). */
export function classifySql(sql: string, options: ClassifyOptions = {}): Classification {
  // Checked before parsing: a UTF-8 character is at most 3 bytes per UTF-16 unit, so short texts skip the count.
  const tooLarge = sql.length * 3 > INPUT_LIMITS.maxSqlBytes ? sqlTooLarge(Buffer.byteLength(sql, 'utf8')) : undefined;
  if (tooLarge) return { tier: 'forbidden', statements: [], error: tooLarge, errorCode: 'input-limit' };
  const parsed = parseSql(sql);
  if (!parsed.ok) {
    const where = parsed.line ? ` at line ${parsed.line}, column ${parsed.column}` : '';
    return { tier: 'forbidden', statements: [], error: `SQL does not parse: ${parsed.error}${where}`, errorCode: 'parse-error' };
  }
  if (parsed.statements.length === 0) {
    return { tier: 'forbidden', statements: [], error: 'no SQL statement found (the text is empty or only comments)', errorCode: 'empty' };
  }
  const tooMany = tooManyStatements(parsed.statements.length);
  if (tooMany) return { tier: 'forbidden', statements: [], error: tooMany, errorCode: 'input-limit' };
  const script = freshScript(parsed.statements.length, parsed.statements, options.catalogue);
  const statements = parsed.statements.map((statement) => {
    const verdict = classifyStatementIn(statement, script);
    remember(script, statement);
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
