import type pg from 'pg';
import { classifySql } from '../policy/classify.ts';
import type { ReplacedObject, SearchPath, WrittenName } from '../sql/definitions.ts';
import { judgeFunctions } from '../policy/routine-verdict.ts';
import {
  functionKey,
  recordingCatalogue,
  relationKey,
  replacedKey,
  type ExistingDefinition,
  type RecordingCatalogue,
  type ResolvedFunction,
  type TargetCatalogue,
  type TargetQuestion,
} from '../policy/target-catalogue.ts';
import { pathKey } from '../sql/definitions.ts';
import { quoteIdentifier as quoteIdent } from '../sql/names.ts';

/**
 * The target-aware half of classify: the pure classifier says which names it
 * needs to know about (functions called, unqualified relations, objects a
 * CREATE OR REPLACE would overwrite, where an unqualified CREATE lands), this
 * looks them up in the target's catalogue with the connection's real
 * search_path (or the one the text sets), and the classifier runs again with
 * the answers. A function's body may call more functions: up to
 * MAX_ROUNDS rounds of questions are answered.
 */

const MAX_ROUNDS = 6;

type Queryable = pg.Pool | pg.PoolClient;

interface Session {
  db: Queryable;
  connectionPath: string[];
  user: string;
}

/** The schemas a name is looked for in, in order: pg_catalog first unless the path names it, `$user` as the role. */
function schemasFor(session: Session, path: SearchPath, name: WrittenName): string[] {
  if (name.schema) return [name.schema];
  if (path === null || path === 'unknown') return session.connectionPath;
  const schemas = path.map((schema) => (schema === '$user' ? session.user : schema));
  return schemas.includes('pg_catalog') ? schemas : ['pg_catalog', ...schemas];
}

async function answerFunction(session: Session, path: SearchPath, name: WrittenName, args: number): Promise<ResolvedFunction[]> {
  const { rows } = await session.db.query<{
    oid: number;
    schema: string;
    name: string;
    kind: string;
    volatility: string;
    language: string;
    user_defined: boolean;
    definition: string | null;
  }>(
    `SELECT p.oid::int AS oid, n.nspname AS schema, p.proname AS name, p.prokind::text AS kind, p.provolatile::text AS volatility,
            l.lanname AS language, n.nspname NOT IN ('pg_catalog', 'information_schema') AS user_defined,
            CASE WHEN l.lanname IN ('sql', 'plpgsql') AND p.prokind IN ('f', 'p') THEN pg_get_functiondef(p.oid) END AS definition
       FROM pg_proc p
       JOIN pg_namespace n ON n.oid = p.pronamespace
       JOIN pg_language l ON l.oid = p.prolang
      WHERE p.proname = $1 AND n.nspname = ANY($2::text[])
        AND (($3::int BETWEEN p.pronargs - p.pronargdefaults AND p.pronargs) OR (p.provariadic <> 0 AND $3::int >= p.pronargs - 1))`,
    [name.name, schemasFor(session, path, name), args],
  );
  return rows.map((row) => ({
    oid: row.oid,
    schema: row.schema,
    name: row.name,
    kind: row.kind,
    volatility: row.volatility,
    language: row.language,
    userDefined: row.user_defined,
    ...(row.definition ? { definition: row.definition } : {}),
  }));
}

/** The first schema on the path holding a relation of that name. */
async function answerRelation(session: Session, path: SearchPath, name: WrittenName): Promise<string | null> {
  const { rows } = await session.db.query<{ schema: string }>(
    `SELECT n.nspname AS schema
       FROM unnest($1::text[]) WITH ORDINALITY AS s(name, position)
       JOIN pg_namespace n ON n.nspname = s.name
       JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = $2
      ORDER BY s.position LIMIT 1`,
    [schemasFor(session, path, name), name.name],
  );
  return rows[0]?.schema ?? null;
}

/** Where an unqualified CREATE lands: the first schema of the path that exists (pg_catalog only when named). */
async function answerCreation(session: Session, path: SearchPath): Promise<string | null> {
  if (path === null || path === 'unknown') {
    const { rows } = await session.db.query<{ schema: string | null }>('SELECT current_schema() AS schema');
    return rows[0]?.schema ?? null;
  }
  const { rows } = await session.db.query<{ schema: string }>(
    `SELECT n.nspname AS schema FROM unnest($1::text[]) WITH ORDINALITY AS s(name, position)
       JOIN pg_namespace n ON n.nspname = s.name ORDER BY s.position LIMIT 1`,
    [path.map((schema) => (schema === '$user' ? session.user : schema))],
  );
  return rows[0]?.schema ?? null;
}

/** The relation a rule or trigger is on, as `schema.name` text for to_regclass (quoted on the server). */
async function relationOn(session: Session, path: SearchPath, on: WrittenName): Promise<string | null> {
  const schema = on.schema ?? (await answerRelation(session, path, on));
  if (!schema) return null;
  const { rows } = await session.db.query<{ name: string }>("SELECT quote_ident($1) || '.' || quote_ident($2) AS name", [schema, on.name]);
  return rows[0]!.name;
}

/** What a CREATE OR REPLACE would overwrite, with the SQL that puts it back. */
export async function answerExisting(session: Session, path: SearchPath, object: ReplacedObject): Promise<ExistingDefinition | null> {
  const db = session.db;
  if (object.kind === 'function' || object.kind === 'procedure') {
    const schema = object.schema ?? (await answerCreation(session, path));
    if (!schema) return null;
    const { rows } = await db.query<{ identity: string; definition: string }>(
      `SELECT p.oid::regprocedure::text AS identity, pg_get_functiondef(p.oid) AS definition
         FROM pg_proc p WHERE p.oid = to_regprocedure(quote_ident($1) || '.' || quote_ident($2) || '(' || $3 || ')')`,
      [schema, object.name, (object.argTypes ?? []).join(', ')],
    );
    const row = rows[0];
    return row ? { kind: object.kind, identity: row.identity, restore: `${row.definition.trimEnd()};` } : null;
  }
  if (object.kind === 'view') {
    const schema = object.schema ?? (await answerCreation(session, path));
    if (!schema) return null;
    const { rows } = await db.query<{ identity: string; definition: string }>(
      `SELECT c.oid::regclass::text AS identity, pg_get_viewdef(c.oid) AS definition
         FROM pg_class c WHERE c.oid = to_regclass(quote_ident($1) || '.' || quote_ident($2)) AND c.relkind = 'v'`,
      [schema, object.name],
    );
    const row = rows[0];
    if (!row) return null;
    const body = row.definition.trim();
    return { kind: 'view', identity: row.identity, restore: `CREATE OR REPLACE VIEW ${row.identity} AS ${body.endsWith(';') ? body : `${body};`}` };
  }
  const on = object.on ? await relationOn(session, path, object.on) : null;
  if (!on) return null;
  if (object.kind === 'rule') {
    const { rows } = await db.query<{ definition: string; table: string }>(
      `SELECT pg_get_ruledef(r.oid) AS definition, r.ev_class::regclass::text AS table
         FROM pg_rewrite r WHERE r.ev_class = to_regclass($1) AND r.rulename = $2`,
      [on, object.name],
    );
    const row = rows[0];
    if (!row) return null;
    const definition = row.definition.trim();
    return {
      kind: 'rule',
      identity: `${object.name} on ${row.table}`,
      restore: `DROP RULE IF EXISTS ${quoteIdent(object.name)} ON ${row.table};\n${definition.endsWith(';') ? definition : `${definition};`}`,
    };
  }
  const { rows } = await db.query<{ definition: string; table: string }>(
    `SELECT pg_get_triggerdef(t.oid) AS definition, t.tgrelid::regclass::text AS table
       FROM pg_trigger t WHERE t.tgrelid = to_regclass($1) AND t.tgname = $2 AND NOT t.tgisinternal`,
    [on, object.name],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    kind: 'trigger',
    identity: `${object.name} on ${row.table}`,
    restore: `DROP TRIGGER IF EXISTS ${quoteIdent(object.name)} ON ${row.table};\n${row.definition.trim()};`,
  };
}


function questionKey(question: TargetQuestion): string {
  switch (question.about) {
    case 'function':
      return `f:${functionKey(question.path, question.name, question.args)}`;
    case 'relation':
      return `r:${relationKey(question.path, question.name)}`;
    case 'existing':
      return `e:${replacedKey(question.path, question.object)}`;
    case 'creation':
      return `c:${pathKey(question.path)}`;
  }
}

async function answer(session: Session, catalogue: TargetCatalogue, question: TargetQuestion): Promise<void> {
  switch (question.about) {
    case 'function':
      catalogue.functions[functionKey(question.path, question.name, question.args)] = await answerFunction(session, question.path, question.name, question.args);
      return;
    case 'relation':
      catalogue.relations[relationKey(question.path, question.name)] = await answerRelation(session, question.path, question.name);
      return;
    case 'existing':
      catalogue.existing[replacedKey(question.path, question.object)] = await answerExisting(session, question.path, question.object);
      return;
    case 'creation':
      catalogue.creationSchemas[pathKey(question.path)] = await answerCreation(session, question.path);
  }
}

async function openSession(db: Queryable, known?: { path: string[]; user: string }): Promise<Session> {
  if (known) return { db, connectionPath: known.path, user: known.user };
  const { rows } = await db.query<{ path: string[]; user: string }>('SELECT current_schemas(true)::text[] AS path, current_user::text AS user');
  return { db, connectionPath: rows[0]!.path, user: rows[0]!.user };
}

/**
 * Look up in the target what `sql` refers to, and return the catalogue the
 * rules judge it with (`classifySql(sql, { catalogue })`). Needs the parser loaded.
 */
export async function lookUpTarget(db: Queryable, sql: string, target: string, known?: { path: string[]; user: string }): Promise<TargetCatalogue> {
  const session = await openSession(db, known);
  const catalogue: RecordingCatalogue = recordingCatalogue(target, session.connectionPath);
  const answered = new Set<string>();
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    catalogue.asked = [];
    classifySql(sql, { catalogue });
    judgeFunctions(catalogue);
    const fresh = catalogue.asked.filter((question) => !answered.has(questionKey(question)));
    if (fresh.length === 0) break;
    for (const question of fresh) {
      const key = questionKey(question);
      if (answered.has(key)) continue;
      answered.add(key);
      await answer(session, catalogue, question);
    }
  }
  judgeFunctions(catalogue);
  const { asked: _asked, ...plain } = catalogue;
  return plain;
}

/**
 * Classify SQL as it will run in the target: names resolved there, functions
 * judged by their bodies, replaced definitions found. A target that cannot be
 * read fails closed (forbidden, with the reason).
 */
export async function classifyInTarget(
  db: Queryable,
  sql: string,
  target: string,
  /** The session's search_path and user, when the caller has just read them (targetFacts). */
  known?: { path: string[]; user: string },
): Promise<ReturnType<typeof classifySql>> {
  const pure = classifySql(sql);
  if (pure.error) return pure;
  let catalogue: TargetCatalogue;
  try {
    catalogue = await lookUpTarget(db, sql, target, known);
  } catch (error) {
    return { tier: 'forbidden', statements: [], error: `could not look up in ${target} what this SQL refers to (${(error as Error).message}), so it cannot be judged` };
  }
  return classifySql(sql, { catalogue });
}

export { openSession as openCatalogueSession };
