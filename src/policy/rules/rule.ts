import type { AlterTableCmd, AlterTableStmt, Constraint, RangeVar } from '@pgsql/types';
import type { CreatedFunctions } from '../created-functions.ts';
import type { SearchPath } from '../../sql/definitions.ts';
import type { RoutineBody } from '../routine-body.ts';
import type { RoutineVerdict, TargetCatalogue } from '../target-catalogue.ts';
import type { Tier } from '../../contracts/tier.ts';
import type { TreeFacts } from '../../sql/tree-facts.ts';
import { relationName } from '../../sql/names.ts';
import type { Fields, StatementNode, WrappedNode } from '../../sql/tree.ts';

export type Node = Fields;

/** What the whole submitted text tells a rule about the statement's surroundings. */
export interface ScriptContext {
  /** Top-level statements in the text: more than one means Airlock runs them in one transaction. */
  statementCount: number;
  /** The text opens a transaction itself (BEGIN/START TRANSACTION). */
  hasTransactionBlock: boolean;
  /** Tables created earlier in the same text: locking them blocks nobody. */
  createdTables: ReadonlySet<string>;
  /** Names given to PREPARE earlier in the text. */
  preparedNames: ReadonlySet<string>;
  /** `SET lock_timeout` / `SET statement_timeout` ran before this statement. */
  lockTimeoutSet: boolean;
  statementTimeoutSet: boolean;
  /** Constraints added NOT VALID earlier in the text (validating them in the same transaction holds the lock all along). */
  notValidConstraints: ReadonlySet<string>;
  /** `table.column` whose CHECK (column IS NOT NULL) was validated earlier in the text: SET NOT NULL then skips its scan. */
  validatedNotNull: ReadonlySet<string>;
  /** Tables on which a constraint added elsewhere (an earlier migration) was validated earlier in the text. */
  tablesWithValidatedConstraint: ReadonlySet<string>;
  /** CHECK (column IS NOT NULL) constraints added earlier in the text: name → `table.column`. */
  notNullChecks: ReadonlyMap<string, string>;
  /** A `SET search_path` earlier in the text puts this schema before pg_catalog: unqualified names may resolve there. */
  schemaBeforeCatalogue?: string;
  /** The search_path the text itself set before this statement (null: the connection's own). */
  searchPath: SearchPath;
  /** Functions created earlier in the text, by name, with what their bodies do (a trigger may run one). */
  createdFunctions: CreatedFunctions;
  /** What the target database's catalogue says about the names used; absent when nothing was looked up. */
  catalogue?: TargetCatalogue;
}

/** What a rule is shown of one statement: its kind and node (`kind` narrows `node`), and what surrounds it. */
export type StatementContext = StatementNode & {
  facts: TreeFacts;
  /** Inside a CTE, EXPLAIN ANALYZE, PREPARE or a routine body rather than at the top level. */
  nested: boolean;
  script: ScriptContext;
  /** The SQL a DO block or function body runs, when the statement has one. */
  routine?: RoutineBody;
  /** Set when a limit stopped the classifier from looking further inside this statement (nesting-limit). */
  limitExceeded?: string;
};

export interface RuleHit {
  /** A tier other than the rule's usual one, for this statement. */
  tier?: Tier;
  /** What exactly fired, e.g. the function's name. */
  detail?: string;
}

/**
 * One rule: a name a reviewer can look up, the tier a statement takes when it
 * fires, a one-line message that says why it matters and what to do instead.
 */
export interface Rule {
  name: string;
  /** The statement kinds the rule looks at; omitted: every kind. Lets the engine skip it quickly. */
  kinds?: ReadonlySet<string>;
  tier: Tier;
  message: string;
  check(statement: StatementContext): boolean | RuleHit | undefined;
}

export interface AlterCommand {
  subtype: string;
  name?: string;
  def?: WrappedNode;
}

/** The commands of an ALTER TABLE. */
export function alterCommands(node: AlterTableStmt): AlterCommand[] {
  const commands: readonly WrappedNode[] = node.cmds ?? [];
  return commands.map(({ AlterTableCmd }) => {
    const cmd: AlterTableCmd = AlterTableCmd ?? {};
    return {
      subtype: String(cmd.subtype),
      ...(typeof cmd.name === 'string' ? { name: cmd.name } : {}),
      ...(cmd.def ? { def: cmd.def } : {}),
    };
  });
}

/** `schema.table` of an ALTER/INDEX/… statement's relation (any kind's node: undefined when it has none). */
export function relationOf(node: object): string | undefined {
  const relation = (node as Fields).relation as RangeVar | undefined;
  return relation?.relname ? relationName(relation) : undefined;
}

/** Was the statement's table created earlier in the same text (so nobody else can be using it)? */
export function onNewTable(statement: StatementContext): boolean {
  const table = relationOf(statement.node);
  return table !== undefined && statement.script.createdTables.has(table);
}

/** The column constraints of an `ADD COLUMN`, by type. */
export function columnConstraints(def: WrappedNode | undefined): Constraint[] {
  const constraints: readonly WrappedNode[] = def?.ColumnDef?.constraints ?? [];
  return constraints.map((constraint) => constraint.Constraint ?? {});
}
