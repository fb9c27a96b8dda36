import { AIRLOCK_SCHEMAS } from './airlock-schemas.ts';
import { secretReach } from './agent-secret-reach.ts';
import { classifySql } from './classify.ts';
import { parseSql } from '../sql/parse-sql.ts';

/** What an agent's read tool may send: exactly one statement, of the right kind, that only reads. */
export type AgentSqlCheck = { ok: true; text: string; tables: string[] } | { ok: false; rule: string; error: string };

const AIRLOCK_PREFIXES = [...AIRLOCK_SCHEMAS].map((schema) => `${schema}.`);

function one(sql: string): AgentSqlCheck | { ok: true; verdict: ReturnType<typeof classifySql>['statements'][number] } {
  const classification = classifySql(sql);
  if (classification.error) {
    if (classification.errorCode === 'input-limit') return { ok: false, rule: 'input-limit', error: classification.error };
    return { ok: false, rule: 'parse-error', error: `the SQL does not parse: ${classification.error}` };
  }
  if (classification.statements.length !== 1) {
    return {
      ok: false,
      rule: 'one-statement-only',
      error: `send exactly one statement (got ${classification.statements.length}): a second statement never rides along`,
    };
  }
  return { ok: true, verdict: classification.statements[0]! };
}

function outsideAirlock(tables: string[]): AgentSqlCheck | undefined {
  const own = tables.find((table) => AIRLOCK_PREFIXES.some((schema) => table.startsWith(schema)));
  return own ? { ok: false, rule: 'airlock-state', error: `${own} is Airlock's own state: not for agents` } : undefined;
}

/** Password hashes, statistics, other sessions' queries, server files: refused by name, before the role is even asked. */
function outsideSecrets(text: string): AgentSqlCheck | undefined {
  const parsed = parseSql(text);
  if (!parsed.ok) return undefined;
  for (const statement of parsed.statements) {
    const reach = secretReach(statement.kind, statement.node);
    if (reach) return { ok: false, rule: 'reads-secrets', error: `${reach.name} is not for agents: ${reach.why}` };
  }
  return undefined;
}

/** run_select: one SELECT that only reads (no data-modifying CTE, no side-effect function, no SELECT INTO). Pure; needs the parser loaded. */
export function checkAgentSelect(sql: string): AgentSqlCheck {
  const checked = one(sql);
  if (!checked.ok || !('verdict' in checked)) return checked as AgentSqlCheck;
  const { verdict } = checked;
  const secret = outsideSecrets(verdict.text);
  if (secret) return secret;
  if (verdict.kind !== 'SelectStmt' || verdict.tier !== 'read') {
    const why = verdict.reasons.length ? `: ${verdict.reasons[0]}` : '';
    return {
      ok: false,
      rule: verdict.rules[0] ?? 'select-only',
      error: `run_select runs one read-only SELECT; this is ${verdict.kind} (${verdict.tier})${why}. To change data, use propose_migration or propose_cleanup`,
    };
  }
  return outsideAirlock(verdict.tables) ?? { ok: true, text: verdict.text.replace(/;\s*$/, ''), tables: verdict.tables };
}

/** explain: one statement to plan (plain EXPLAIN never runs it; EXPLAIN ANALYZE is not offered). Pure; needs the parser loaded. */
export function checkAgentExplain(sql: string): AgentSqlCheck {
  const checked = one(sql);
  if (!checked.ok || !('verdict' in checked)) return checked as AgentSqlCheck;
  const { verdict } = checked;
  if (!['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt'].includes(verdict.kind)) {
    return { ok: false, rule: 'explain-dml-only', error: `explain plans SELECT, INSERT, UPDATE, DELETE or MERGE, not ${verdict.kind}` };
  }
  return outsideSecrets(verdict.text) ?? outsideAirlock(verdict.tables) ?? { ok: true, text: verdict.text.replace(/;\s*$/, ''), tables: verdict.tables };
}
