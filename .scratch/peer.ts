import fs from 'node:fs';
import { checkAgentExplain, checkAgentSelect } from '../src/policy/agent-sql.ts';
import { loadSqlParser } from '../src/policy/parse-sql.ts';
await loadSqlParser();
const d = JSON.parse(fs.readFileSync('test/agent/peers/postgres-mcp-safe-sql.json', 'utf8'));
for (const c of d.cases) {
  const trimmed = c.sql.trim();
  const r = /^explain\b/i.test(trimmed) ? checkAgentExplain(trimmed.replace(/^explain\s+/i, '')) : checkAgentSelect(c.sql);
  const ours = r.ok ? 'allowed' : 'refused';
  if (ours !== c.expected) console.log(c.test, c.line, c.expected, '→', ours, r.ok ? '' : r.rule, '|', c.sql.replace(/\s+/g, ' ').trim().slice(0, 110));
}
