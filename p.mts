import { loadSqlParser } from './src/policy/parse-sql.ts';
import { routineBody } from './src/policy/routine-body.ts';
import { parseSync } from 'libpg-query';
await loadSqlParser();
const s = "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$";
const n = parseSync(s).stmts[0].stmt.CreateFunctionStmt;
console.log(JSON.stringify(routineBody('CreateFunctionStmt', n)));
