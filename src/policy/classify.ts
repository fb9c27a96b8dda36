import { parseSql, type ParsedStatement } from './parse-sql.ts';
import { highestTier, type Tier } from './tier.ts';

/**
 * A first, simple tiering of SQL from its real parse tree. The full policy
 * engine (lock levels, lint rules, PL/pgSQL bodies, tautologies) replaces the
 * inside of this module; its shape — `classifySql(text) → Classification` — is
 * the seam the `classify` node depends on.
 */

export interface StatementVerdict {
  kind: string;
  tier: Tier;
  /** Schema-qualified tables the statement names. */
  tables: string[];
  /** For DELETE/UPDATE/SELECT: whether a WHERE clause limits the rows. */
  filtered: boolean;
  /** Names of the rules that set the tier, for the verdict, the audit trail and the README. */
  rules: string[];
  /** Why the tier is what it is, in plain words. */
  reasons: string[];
  text: string;
}

export interface Classification {
  tier: Tier;
  statements: StatementVerdict[];
  /** Set when the text does not parse: the tier is then `forbidden` (fail closed). */
  error?: string;
}

interface Finding {
  tier: Tier;
  rule: string;
  reason: string;
}

// Functions a SELECT may call and still be a read. Anything else might have a
// side effect, so it is at least a write until the policy engine knows better.
const READ_ONLY_FUNCTIONS = new Set([
  'count', 'sum', 'avg', 'min', 'max', 'now', 'lower', 'upper', 'length', 'char_length', 'substr',
  'substring', 'trim', 'abs', 'round', 'floor', 'ceil', 'date_trunc', 'date_part', 'extract', 'to_char',
  'to_date', 'to_timestamp', 'age', 'concat', 'coalesce', 'nullif', 'greatest', 'least', 'array_agg',
  'string_agg', 'json_agg', 'jsonb_agg', 'json_build_object', 'jsonb_build_object', 'row_number', 'rank',
  'dense_rank', 'current_setting', 'version', 'pg_relation_size', 'pg_total_relation_size',
  'pg_size_pretty', 'pg_table_size', 'pg_indexes_size', 'pg_database_size', 'format', 'md5', 'random',
  'generate_series', 'unnest', 'exists',
]);

// Functions that act outside the statement: they kill sessions, delete files
// and large objects, or reach other servers, and a read-only transaction does
// not stop them.
const SIDE_EFFECT_FUNCTIONS = new Set([
  'pg_terminate_backend', 'pg_cancel_backend', 'pg_reload_conf', 'pg_rotate_logfile', 'lo_unlink',
  'lo_import', 'lo_export', 'pg_drop_replication_slot', 'pg_create_logical_replication_slot',
  'pg_create_physical_replication_slot', 'dblink_exec', 'dblink', 'pg_read_server_files',
  'pg_read_file', 'pg_read_binary_file', 'pg_ls_dir', 'pg_file_write', 'pg_promote', 'pg_switch_wal',
]);

const PRIVILEGE_STATEMENTS = new Set([
  'GrantStmt', 'GrantRoleStmt', 'AlterRoleStmt', 'AlterRoleSetStmt', 'CreateRoleStmt', 'DropRoleStmt',
  'AlterDefaultPrivilegesStmt', 'ReassignOwnedStmt', 'DropOwnedStmt', 'AlterOwnerStmt',
]);

const WRITE_STATEMENTS = new Set([
  'InsertStmt', 'CreateStmt', 'CreateTableAsStmt', 'IndexStmt', 'ViewStmt', 'CreateSeqStmt', 'AlterSeqStmt',
  'CreateSchemaStmt', 'CommentStmt', 'CreateFunctionStmt', 'CreateTrigStmt', 'CreateEnumStmt', 'AlterEnumStmt',
  'CompositeTypeStmt', 'CreateDomainStmt', 'CreateExtensionStmt', 'VacuumStmt', 'AnalyzeStmt', 'ClusterStmt',
  'ReindexStmt', 'RefreshMatViewStmt', 'CreatePolicyStmt', 'CreateStatsStmt', 'LockStmt', 'VariableSetStmt',
  'NotifyStmt', 'ListenStmt', 'UnlistenStmt', 'CheckPointStmt', 'DiscardStmt',
]);

const READ_STATEMENTS = new Set(['VariableShowStmt']);

const DML_KINDS = new Set(['DeleteStmt', 'UpdateStmt', 'InsertStmt', 'MergeStmt']);

const AIRLOCK_SCHEMA = 'airlock';

interface TreeFacts {
  tables: Set<string>;
  functions: Set<string>;
  cteNames: Set<string>;
  /** Data-modifying statements nested in this one (CTEs, EXPLAIN's query). */
  nestedDml: { kind: string; node: Record<string, unknown> }[];
}

function qualified(schema: unknown, name: string): string {
  return `${typeof schema === 'string' && schema ? schema : 'public'}.${name}`;
}

/** Walk a parse tree once, gathering what the decisions need. */
function gatherFacts(root: Record<string, unknown>): TreeFacts {
  const facts: TreeFacts = { tables: new Set(), functions: new Set(), cteNames: new Set(), nestedDml: [] };
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (!value || typeof value !== 'object') return;
    const node = value as Record<string, unknown>;
    // A RangeVar, wrapped or bare (DELETE's `relation` is bare).
    if (typeof node.relname === 'string') facts.tables.add(qualified(node.schemaname, node.relname));
    for (const [key, child] of Object.entries(node)) {
      if (key === 'FuncCall') {
        const parts = ((child as { funcname?: { String?: { sval?: string } }[] }).funcname ?? [])
          .map((part) => part.String?.sval)
          .filter((part): part is string => Boolean(part));
        const name = parts.at(-1);
        if (name) facts.functions.add(name.toLowerCase());
      } else if (key === 'CommonTableExpr') {
        const name = (child as { ctename?: string }).ctename;
        if (name) facts.cteNames.add(name);
      } else if (DML_KINDS.has(key)) {
        facts.nestedDml.push({ kind: key, node: child as Record<string, unknown> });
      }
      visit(child);
    }
  };
  visit(root);
  for (const cte of facts.cteNames) facts.tables.delete(`public.${cte}`);
  return facts;
}

/** Names in `DROP … a, b.c`: each object is a list of name parts. */
function droppedObjects(node: Record<string, unknown>): string[] {
  const objects = (node.objects ?? []) as { List?: { items?: { String?: { sval?: string } }[] } }[];
  return objects.map((object) => {
    const parts = (object.List?.items ?? []).map((item) => item.String?.sval ?? '?');
    return parts.length >= 2 ? parts.slice(-2).join('.') : qualified(undefined, parts[0] ?? '?');
  });
}

function findingsForDml(kind: string, node: Record<string, unknown>): Finding[] {
  if (kind === 'InsertStmt') return [{ tier: 'write', rule: 'insert', reason: 'INSERT adds rows' }];
  if (kind === 'MergeStmt') {
    const deletes = JSON.stringify(node.mergeWhenClauses ?? []).includes('CMD_DELETE');
    return deletes
      ? [{ tier: 'destructive', rule: 'merge-delete', reason: 'MERGE … THEN DELETE removes rows' }]
      : [{ tier: 'write', rule: 'merge', reason: 'MERGE changes rows' }];
  }
  const verb = kind === 'DeleteStmt' ? 'DELETE' : 'UPDATE';
  if (!node.whereClause) {
    const rule = kind === 'DeleteStmt' ? 'delete-without-where' : 'update-without-where';
    return [{ tier: 'destructive', rule, reason: `${verb} without WHERE touches every row of the table` }];
  }
  return [{ tier: 'write', rule: verb.toLowerCase(), reason: `${verb} with a WHERE clause` }];
}

function findingsForFunctions(functions: Set<string>): Finding[] {
  const findings: Finding[] = [];
  for (const name of functions) {
    if (SIDE_EFFECT_FUNCTIONS.has(name)) {
      findings.push({ tier: 'destructive', rule: 'side-effect-function', reason: `${name}() acts outside the query` });
    } else if (!READ_ONLY_FUNCTIONS.has(name)) {
      findings.push({ tier: 'write', rule: 'unknown-function', reason: `${name}() is not known to be read-only` });
    }
  }
  return findings;
}

function findingsForAlterTable(node: Record<string, unknown>): Finding[] {
  const commands = (node.cmds ?? []) as { AlterTableCmd?: { subtype?: string } }[];
  return commands.map(({ AlterTableCmd }) => {
    switch (AlterTableCmd?.subtype) {
      case 'AT_DropColumn':
        return { tier: 'destructive', rule: 'ban-drop-column', reason: 'dropping a column destroys its data' } as const;
      case 'AT_AlterColumnType':
        return { tier: 'destructive', rule: 'changing-column-type', reason: 'changing a column type rewrites the table and can lose data' } as const;
      case 'AT_DropConstraint':
        return { tier: 'destructive', rule: 'drop-constraint', reason: 'dropping a constraint lets bad data in' } as const;
      default:
        return { tier: 'write', rule: 'alter-table', reason: 'ALTER TABLE changes the table definition' } as const;
    }
  });
}

function findingsFor(statement: { kind: string; node: Record<string, unknown> }, facts: TreeFacts): Finding[] {
  const { kind, node } = statement;
  switch (kind) {
    case 'SelectStmt': {
      const findings: Finding[] = [{ tier: 'read', rule: 'select', reason: 'SELECT reads rows' }];
      if (node.intoClause) findings.push({ tier: 'write', rule: 'select-into', reason: 'SELECT … INTO creates a table' });
      if (node.lockingClause) findings.push({ tier: 'write', rule: 'select-for-update', reason: 'SELECT … FOR UPDATE locks rows' });
      for (const nested of facts.nestedDml) {
        for (const finding of findingsForDml(nested.kind, nested.node)) {
          findings.push({ ...finding, rule: `data-modifying-cte:${finding.rule}`, reason: `a CTE runs ${finding.reason}` });
        }
      }
      return [...findings, ...findingsForFunctions(facts.functions)];
    }
    case 'ExplainStmt': {
      const options = (node.options ?? []) as { DefElem?: { defname?: string; arg?: unknown } }[];
      const analyze = options.some(({ DefElem }) => DefElem?.defname === 'analyze' && !JSON.stringify(DefElem.arg ?? '').includes('false'));
      if (!analyze) return [{ tier: 'read', rule: 'explain', reason: 'EXPLAIN plans without running' }];
      const [innerKind, innerNode] = Object.entries((node.query ?? {}) as Record<string, Record<string, unknown>>)[0] ?? [];
      const inner = innerKind && innerNode ? findingsFor({ kind: innerKind, node: innerNode }, gatherFacts(innerNode)) : [];
      return [
        { tier: 'read', rule: 'explain-analyze-executes', reason: 'EXPLAIN ANALYZE runs the statement' },
        ...inner,
      ];
    }
    case 'DeleteStmt':
    case 'UpdateStmt':
    case 'InsertStmt':
    case 'MergeStmt':
      return [...findingsForDml(kind, node), ...findingsForFunctions(facts.functions)];
    case 'DropStmt': {
      const removeType = String(node.removeType ?? 'OBJECT');
      const what = removeType.replace(/^OBJECT_/, '').toLowerCase();
      const rule = what === 'table' ? 'ban-drop-table' : `drop-${what.replace(/_/g, '-')}`;
      return [{ tier: 'destructive', rule, reason: `DROP ${what.toUpperCase()} cannot be undone` }];
    }
    case 'TruncateStmt':
      return [{ tier: 'destructive', rule: 'ban-truncate', reason: 'TRUNCATE removes every row' }];
    case 'AlterTableStmt':
      return findingsForAlterTable(node);
    case 'RenameStmt':
      return [{ tier: 'destructive', rule: 'renaming', reason: 'renaming breaks every client that uses the old name' }];
    case 'DoStmt':
      return [{ tier: 'destructive', rule: 'dynamic-sql', reason: 'a DO block runs code Airlock cannot see into yet' }];
    case 'TransactionStmt':
      return [{
        tier: 'forbidden',
        rule: 'transaction-control',
        reason: 'BEGIN/COMMIT/ROLLBACK would break out of the one transaction Airlock runs the migration in: remove them',
      }];
    case 'DropdbStmt':
      return [{ tier: 'forbidden', rule: 'ban-drop-database', reason: 'DROP DATABASE is never run through Airlock' }];
    case 'AlterSystemStmt':
      return [{ tier: 'forbidden', rule: 'alter-system', reason: 'ALTER SYSTEM changes the server for everyone' }];
    case 'CopyStmt':
      return node.is_program
        ? [{ tier: 'forbidden', rule: 'copy-program', reason: 'COPY … PROGRAM runs a shell command on the database server' }]
        : [{ tier: node.is_from ? 'write' : 'read', rule: 'copy', reason: node.is_from ? 'COPY FROM loads rows' : 'COPY TO reads rows' }];
    case 'VariableSetStmt': {
      const name = String(node.name ?? '');
      if (name === 'role' || name === 'session_authorization') {
        return [{ tier: 'destructive', rule: 'privilege-change', reason: `SET ${name.toUpperCase()} changes who the statements run as` }];
      }
      return [{ tier: 'write', rule: 'set', reason: 'SET changes session settings' }];
    }
    default:
      if (PRIVILEGE_STATEMENTS.has(kind)) {
        return [{ tier: 'destructive', rule: 'privilege-change', reason: 'privilege and role changes are irreversible in effect' }];
      }
      if (WRITE_STATEMENTS.has(kind)) return [{ tier: 'write', rule: 'ddl', reason: `${kind} changes the database` }];
      if (READ_STATEMENTS.has(kind)) return [{ tier: 'read', rule: 'show', reason: `${kind} reads a setting` }];
      // Fail closed: a statement kind we have not reviewed needs a human.
      return [{ tier: 'destructive', rule: 'unrecognised-statement', reason: `${kind} is not recognised by Airlock's policy` }];
  }
}

function touchesAirlockState(kind: string, node: Record<string, unknown>, tables: string[]): boolean {
  if (tables.some((table) => table.startsWith(`${AIRLOCK_SCHEMA}.`))) return true;
  if (kind === 'DropStmt' && node.removeType === 'OBJECT_SCHEMA') {
    return JSON.stringify(node.objects ?? []).includes(`"sval":"${AIRLOCK_SCHEMA}"`);
  }
  return false;
}

export function classifyStatement(statement: ParsedStatement): StatementVerdict {
  const facts = gatherFacts(statement.node);
  const tables = [...facts.tables];
  if (statement.kind === 'DropStmt' && /TABLE|VIEW|SEQUENCE|INDEX/.test(String(statement.node.removeType))) {
    for (const name of droppedObjects(statement.node)) if (!tables.includes(name)) tables.push(name);
  }
  const findings = findingsFor(statement, facts);
  if (touchesAirlockState(statement.kind, statement.node, tables)) {
    findings.push({ tier: 'forbidden', rule: 'airlock-state', reason: "schema airlock holds Airlock's own approvals, audit and ledger" });
  }
  const filtered = ['DeleteStmt', 'UpdateStmt', 'SelectStmt'].includes(statement.kind) && Boolean(statement.node.whereClause);
  return {
    kind: statement.kind,
    tier: highestTier(findings.map((finding) => finding.tier)),
    tables,
    filtered,
    rules: [...new Set(findings.filter((finding) => finding.tier !== 'read' || finding.rule.includes('explain-analyze')).map((finding) => finding.rule))],
    reasons: findings.map((finding) => finding.reason),
    text: statement.text,
  };
}

/** Classify SQL text: the tier of the text is the highest of its statements. Needs the parser loaded. */
export function classifySql(sql: string): Classification {
  const parsed = parseSql(sql);
  if (!parsed.ok) {
    const where = parsed.line ? ` at line ${parsed.line}, column ${parsed.column}` : '';
    return { tier: 'forbidden', statements: [], error: `SQL does not parse: ${parsed.error}${where}` };
  }
  if (parsed.statements.length === 0) {
    return { tier: 'forbidden', statements: [], error: 'no SQL statement found (the text is empty or only comments)' };
  }
  const statements = parsed.statements.map(classifyStatement);
  return { tier: highestTier(statements.map((statement) => statement.tier)), statements };
}

/** One line naming what the text does, for inbox rows and audit entries. */
export function summarise(classification: Classification): string {
  const first = classification.statements[0];
  if (!first) return classification.error ?? 'nothing to run';
  const oneLine = (text: string) => text.replace(/\s+/g, ' ').replace(/;$/, '');
  const head = oneLine(first.text);
  const shown = head.length > 100 ? `${head.slice(0, 97)}…` : head;
  const more = classification.statements.length - 1;
  return more > 0 ? `${shown} (+${more} more statement${more > 1 ? 's' : ''})` : shown;
}
