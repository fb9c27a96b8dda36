import { AIRLOCK_SCHEMAS } from './airlock-schemas.ts';
import { secretReach } from './agent-secret-reach.ts';
import { classifySql } from './classify.ts';
import { parseSql } from '../sql/parse-sql.ts';
import { ok, refuse, refused, refusedWith, type Refusal, type Result } from '../contracts/result.ts';

/** What an agent's read tool may send: exactly one statement, of the right kind, that only reads. */
export interface AgentSql {
  /** The statement, without its trailing semicolon. */
  text: string;
  tables: string[];
}

/** Refused with the rule's name as its code (`one-statement-only`, `airlock-state`, a classifier rule…). */
export type AgentSqlCheck = Result<AgentSql>;

type StatementVerdict = ReturnType<typeof classifySql>['statements'][number];

const AIRLOCK_PREFIXES = [...AIRLOCK_SCHEMAS].map((schema) => `${schema}.`);

function one(sql: string): Result<StatementVerdict> {
  const classification = classifySql(sql);
  if (classification.error) {
    if (classification.errorCode === 'input-limit') return refused('input-limit', classification.error);
    return refused('parse-error', `the SQL does not parse: ${classification.error}`);
  }
  if (classification.statements.length !== 1) {
    return refused(
      'one-statement-only',
      `send exactly one statement (got ${classification.statements.length}): a second statement never rides along`,
    );
  }
  return ok(classification.statements[0]!);
}

function outsideAirlock(tables: string[]): Refusal | undefined {
  const own = tables.find((table) => AIRLOCK_PREFIXES.some((schema) => table.startsWith(schema)));
  return own ? refuse('airlock-state', `${own} is Airlock's own state: not for agents`) : undefined;
}

/** Password hashes, statistics, other sessions' queries, server files: refused by name, before the role is even asked. */
function outsideSecrets(text: string): Refusal | undefined {
  const parsed = parseSql(text);
  if (!parsed.ok) return undefined;
  for (const statement of parsed.statements) {
    const reach = secretReach(statement.kind, statement.node);
    if (reach) return refuse('reads-secrets', `${reach.name} is not for agents: ${reach.why}`);
  }
  return undefined;
}

function checked(verdict: StatementVerdict, refusal: Refusal | undefined): AgentSqlCheck {
  return refusal ? refusedWith(refusal) : ok({ text: verdict.text.replace(/;\s*$/, ''), tables: verdict.tables });
}

/** run_select: one SELECT that only reads (no data-modifying CTE, no side-effect function, no SELECT INTO). Pure; needs the parser loaded. */
export function checkAgentSelect(sql: string): AgentSqlCheck {
  const single = one(sql);
  if (!single.ok) return single;
  const verdict = single.value;
  const secret = outsideSecrets(verdict.text);
  if (secret) return refusedWith(secret);
  if (verdict.kind !== 'SelectStmt' || verdict.tier !== 'read') {
    const why = verdict.reasons.length ? `: ${verdict.reasons[0]}` : '';
    return refused(
      verdict.rules[0] ?? 'select-only',
      `run_select runs one read-only SELECT; this is ${verdict.kind} (${verdict.tier})${why}. To change data, use propose_migration or propose_cleanup`,
    );
  }
  return checked(verdict, outsideAirlock(verdict.tables));
}

/** explain: one statement to plan (plain EXPLAIN never runs it; EXPLAIN ANALYZE is not offered). Pure; needs the parser loaded. */
export function checkAgentExplain(sql: string): AgentSqlCheck {
  const single = one(sql);
  if (!single.ok) return single;
  const verdict = single.value;
  if (!['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt'].includes(verdict.kind)) {
    return refused('explain-dml-only', `explain plans SELECT, INSERT, UPDATE, DELETE or MERGE, not ${verdict.kind}`);
  }
  return checked(verdict, outsideSecrets(verdict.text) ?? outsideAirlock(verdict.tables));
}
