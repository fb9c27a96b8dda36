import { classifySql } from '../src/policy/classify.ts';
import { loadSqlParser } from '../src/policy/parse-sql.ts';
await loadSqlParser();
for (const sql of process.argv.slice(2)) {
  const c = classifySql(sql);
  console.log(c.tier, c.error ?? '', '|', sql.slice(0, 90));
  for (const s of c.statements) console.log('   ', s.kind, s.tier, s.reasons.map(r=>r.slice(0,50)).join(' ; '), s.rules.join(','));
}
