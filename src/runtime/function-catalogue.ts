import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ensureEmbeddedPostgres, stopEmbeddedPostgres } from './embedded-postgres.ts';

/**
 * Regenerates src/sql/catalogue/pg-functions.json from PostgreSQL's own
 * catalogue (`npm run catalogue:functions`): every function and operator in
 * pg_catalog of a fresh embedded PostgreSQL, with its volatility. A name with
 * several overloads takes its most volatile one. The classifier reads the file
 * to decide which calls may stay in the `read` tier (src/sql/catalogue/functions.ts
 * adds the curated deny-list of functions that act outside the query).
 *
 * A fresh server in a temporary AIRLOCK_HOME, so no extension or user
 * function of a working database ends up in the list.
 */

const OUTPUT = path.resolve(import.meta.dirname, '../sql/catalogue/pg-functions.json');

type Volatility = 'i' | 's' | 'v';
const RANK: Record<Volatility, number> = { i: 0, s: 1, v: 2 };

function worst(rows: { name: string; volatility: Volatility }[]): Record<string, Volatility> {
  const byName = new Map<string, Volatility>();
  for (const { name, volatility } of rows) {
    const before = byName.get(name);
    if (!before || RANK[volatility] > RANK[before]) byName.set(name, volatility);
  }
  return Object.fromEntries([...byName].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

async function main(): Promise<void> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'airlock-catalogue-'));
  const server = await ensureEmbeddedPostgres(home);
  const client = new pg.Client({ connectionString: server.url });
  try {
    await client.connect();
    const version = (await client.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v;
    const functions = await client.query<{ name: string; volatility: Volatility }>(
      `SELECT proname AS name, provolatile AS volatility FROM pg_proc WHERE pronamespace = 'pg_catalog'::regnamespace`,
    );
    const operators = await client.query<{ name: string; volatility: Volatility }>(
      `SELECT o.oprname AS name, p.provolatile AS volatility
         FROM pg_operator o JOIN pg_proc p ON p.oid = o.oprcode
        WHERE o.oprnamespace = 'pg_catalog'::regnamespace`,
    );
    const catalogue = {
      about: 'pg_catalog functions and operators with their volatility (i immutable, s stable, v volatile; the most volatile overload); generated, do not edit',
      regenerate: 'npm run catalogue:functions',
      postgres: version,
      functions: worst(functions.rows),
      operators: worst(operators.rows),
    };
    fs.writeFileSync(OUTPUT, `${JSON.stringify(catalogue, null, 1)}\n`);
    console.log(
      `wrote ${path.relative(process.cwd(), OUTPUT)}: ${Object.keys(catalogue.functions).length} functions, ${Object.keys(catalogue.operators).length} operators from PostgreSQL ${version}`,
    );
  } finally {
    await client.end().catch(() => {});
    if (server.startedNow) await stopEmbeddedPostgres(home);
    fs.rmSync(home, { recursive: true, force: true });
  }
}

await main();
