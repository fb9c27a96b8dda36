import type { DefinitionKind, ReplacedObject, SearchPath, WrittenName } from '../sql/definitions.ts';
import { pathKey } from '../sql/definitions.ts';
import type { Tier } from '../contracts/tier.ts';

/**
 * What the classify step learned from the target database's catalogue about
 * the names a text uses, so that pure rules can judge a statement by what it
 * will really run there. Built by src/pipeline/target-lookup.ts; absent when
 * nothing was looked up (`airlock check` without a database), and the rules
 * then judge by the text alone.
 */
export interface TargetCatalogue {
  /** host:port/database it was read from. */
  target: string;
  /** The connection's own search_path, as current_schemas(true) reports it (pg_catalog first). */
  searchPath: string[];
  /** Functions a call may resolve to, by `functionKey` (every candidate with that name and a fitting argument count). */
  functions: Record<string, ResolvedFunction[]>;
  /** The schema an unqualified relation resolves to, by `relationKey`; null: no such relation. */
  relations: Record<string, string | null>;
  /** The schema an unqualified CREATE lands in, by `pathKey`; null: no schema in the path exists. */
  creationSchemas: Record<string, string | null>;
  /** What a CREATE OR REPLACE would overwrite, by `replacedKey`; null: nothing exists yet. */
  existing: Record<string, ExistingDefinition | null>;
}

export interface ResolvedFunction {
  oid: number;
  schema: string;
  name: string;
  /** f function, p procedure, a aggregate, w window. */
  kind: string;
  /** i immutable, s stable, v volatile. */
  volatility: string;
  language: string;
  /** Defined by the database's users (not in pg_catalog or information_schema). */
  userDefined: boolean;
  /** pg_get_functiondef, for SQL and PL/pgSQL functions. */
  definition?: string;
  /** What its body does, judged by `judgeFunctions` once every function it calls is known. */
  verdict?: RoutineVerdict;
}

export interface ExistingDefinition {
  kind: DefinitionKind;
  /** e.g. `public.f(integer)`, `rule r on public.t`. */
  identity: string;
  /** SQL that puts the current definition back (kept in the backup before the replacement runs). */
  restore: string;
}

/** What a routine body does, for the statements that will run it later. */
export interface RoutineVerdict {
  tier: Tier;
  /** It deletes, truncates, drops or merges rows away: whatever runs it later makes rows disappear. */
  deletes: boolean;
  rules: string[];
  /** One line for the reviewer: what in the body decided it. */
  detail: string;
}

export function functionKey(path: SearchPath, name: WrittenName, args: number): string {
  return `${pathKey(path)}|${name.schema ?? ''}|${name.name}|${args}`;
}

export function relationKey(path: SearchPath, name: WrittenName): string {
  return `${pathKey(path)}|${name.schema ?? ''}|${name.name}`;
}

export function replacedKey(path: SearchPath, object: ReplacedObject): string {
  const on = object.on ? `${object.on.schema ?? ''}.${object.on.name}` : '';
  return `${pathKey(path)}|${object.kind}|${object.schema ?? ''}|${object.name}|${on}|${(object.argTypes ?? []).join(',')}`;
}

/** A name the rules wanted to know about, for the runtime to look up (see `recordingCatalogue`). */
export type TargetQuestion =
  | { about: 'function'; path: SearchPath; name: WrittenName; args: number }
  | { about: 'relation'; path: SearchPath; name: WrittenName }
  | { about: 'existing'; path: SearchPath; object: ReplacedObject }
  | { about: 'creation'; path: SearchPath };

/**
 * An empty catalogue that writes down every question the rules ask of it:
 * the runtime classifies once with it, looks the questions up, and
 * classifies again with the answers.
 */
export interface RecordingCatalogue extends TargetCatalogue {
  asked: TargetQuestion[];
}

export function recordingCatalogue(target: string, searchPath: string[] = []): RecordingCatalogue {
  return { target, searchPath, functions: {}, relations: {}, creationSchemas: {}, existing: {}, asked: [] };
}

function ask(catalogue: TargetCatalogue, question: TargetQuestion): void {
  (catalogue as Partial<RecordingCatalogue>).asked?.push(question);
}

/** Candidates a call may resolve to; undefined when it was not looked up. */
export function lookUpFunction(catalogue: TargetCatalogue | undefined, path: SearchPath, name: WrittenName, args: number): ResolvedFunction[] | undefined {
  if (!catalogue || path === 'unknown') return undefined;
  const key = functionKey(path, name, args);
  if (!(key in catalogue.functions)) ask(catalogue, { about: 'function', path, name, args });
  return catalogue.functions[key];
}

/** The schema an unqualified relation resolves to (null: none); undefined when it was not looked up. */
export function lookUpRelation(catalogue: TargetCatalogue | undefined, path: SearchPath, name: WrittenName): string | null | undefined {
  if (!catalogue || path === 'unknown') return undefined;
  const key = relationKey(path, name);
  if (!(key in catalogue.relations)) ask(catalogue, { about: 'relation', path, name });
  return catalogue.relations[key];
}

export function lookUpExisting(catalogue: TargetCatalogue | undefined, path: SearchPath, object: ReplacedObject): ExistingDefinition | null | undefined {
  if (!catalogue || path === 'unknown') return undefined;
  const key = replacedKey(path, object);
  if (!(key in catalogue.existing)) ask(catalogue, { about: 'existing', path, object });
  return catalogue.existing[key];
}

export function lookUpCreationSchema(catalogue: TargetCatalogue | undefined, path: SearchPath): string | null | undefined {
  if (!catalogue || path === 'unknown') return undefined;
  const key = pathKey(path);
  if (!(key in catalogue.creationSchemas)) ask(catalogue, { about: 'creation', path });
  return catalogue.creationSchemas[key];
}
