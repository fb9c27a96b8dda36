import { parseSql } from '../sql/parse-sql.ts';
import type { Classification, Finding, StatementVerdict, StoredClassification, StoredFinding, StoredVerdict } from '../contracts/classification.ts';
import { RULES } from './rules/index.ts';

/**
 * A thread's checkpoint keeps its classification small (issue 17: it was
 * ≈ 1 KB per statement, every message twice and every statement's text a
 * second time beside the SQL). Stored: what cannot be derived. Read back: the
 * texts from the thread's SQL, the messages from the rules, the rules and
 * reasons from the findings. Pure.
 */

const RULE_MESSAGES: ReadonlyMap<string, string> = new Map(RULES.map((rule) => [rule.name, rule.message]));

function storedFinding(finding: Finding): StoredFinding {
  return {
    rule: finding.rule,
    tier: finding.tier,
    ...(finding.message === RULE_MESSAGES.get(finding.rule) ? {} : { message: finding.message }),
    ...(finding.detail === undefined ? {} : { detail: finding.detail }),
  };
}

function storedVerdict(verdict: StatementVerdict): StoredVerdict {
  return {
    kind: verdict.kind,
    tier: verdict.tier,
    tables: verdict.tables,
    ...(verdict.filtered ? { filtered: true } : {}),
    ...(verdict.lock === null ? {} : { lock: verdict.lock }),
    ...(verdict.outsideTransaction ? { outsideTransaction: true } : {}),
    ...(verdict.findings.length ? { findings: verdict.findings.map(storedFinding) } : {}),
  };
}

/** What a checkpoint keeps of a classification. */
export function storedClassification(classification: Classification): StoredClassification {
  return { ...classification, statements: classification.statements.map(storedVerdict) };
}

/** The texts of the statements of `sql`, by position (the last few SQL texts are kept: every step of a thread reads its own back). */
const recentTexts = new Map<string, string[] | undefined>();
const RECENT_TEXTS = 16;

function statementTexts(sql: string): string[] | undefined {
  if (recentTexts.has(sql)) return recentTexts.get(sql);
  const parsed = parseSql(sql);
  const texts = parsed.ok ? parsed.statements.map((statement) => statement.text) : undefined;
  recentTexts.set(sql, texts);
  if (recentTexts.size > RECENT_TEXTS) recentTexts.delete(recentTexts.keys().next().value!);
  return texts;
}

function restoredFinding(finding: StoredFinding): Finding {
  const message = finding.message ?? RULE_MESSAGES.get(finding.rule) ?? `rule ${finding.rule}`;
  return { rule: finding.rule, tier: finding.tier, message, ...(finding.detail === undefined ? {} : { detail: finding.detail }) };
}

/**
 * The whole classification of `sql` from what a checkpoint kept (this shape,
 * or a whole verdict written before it). Each statement's text is always
 * taken from `sql` (the text the approval is bound to), never from the
 * checkpoint: a client that writes state cannot make a statement's text
 * differ from the SQL that was approved. When `sql` no longer has the
 * classified statements (a reviewer's edit, before classify sees it again),
 * the texts are empty and `textsFit` is false: nothing may run on it.
 * The parser must be loaded.
 */
export function restoredClassification(stored: StoredClassification | Classification, sql: string): Classification & { textsFit: boolean } {
  const texts = stored.statements.length ? statementTexts(sql) : [];
  const textsFit = texts !== undefined && texts.length === stored.statements.length;
  const statements = stored.statements.map((verdict, index): StatementVerdict => {
    const findings = (verdict.findings ?? []).map(restoredFinding);
    return {
      kind: verdict.kind,
      tier: verdict.tier,
      tables: verdict.tables,
      filtered: verdict.filtered ?? false,
      lock: verdict.lock ?? null,
      outsideTransaction: verdict.outsideTransaction ?? false,
      rules: findings.length === 0 ? [] : [...new Set(findings.map((finding) => finding.rule))],
      findings,
      reasons: findings.map((finding) => (finding.detail ? `${finding.message} (${finding.detail})` : finding.message)),
      text: textsFit ? texts[index]! : '',
    };
  });
  return { ...stored, statements, textsFit };
}

/** The rules that fired on a statement, from a whole verdict or a stored one. */
export function rulesOf(verdict: StoredVerdict | StatementVerdict): string[] {
  if ('rules' in verdict && Array.isArray(verdict.rules)) return verdict.rules;
  const findings = verdict.findings ?? [];
  return findings.length === 0 ? [] : [...new Set(findings.map((finding) => finding.rule))];
}
