import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

/** A schema of the test's own in the target database, and a client to inspect it. */
export interface Sandbox {
  schema: string;
  query<T extends pg.QueryResultRow = any>(sql: string, values?: unknown[]): Promise<pg.QueryResult<T>>;
  tableExists(table: string): Promise<boolean>;
  count(table: string): Promise<number>;
  close(): Promise<void>;
}

export async function openSandbox(): Promise<Sandbox> {
  const client = new pg.Client({ connectionString: inject('targetUrl') });
  await client.connect();
  const schema = `t_${randomBytes(5).toString('hex')}`;
  await client.query(`CREATE SCHEMA ${schema}`);
  return {
    schema,
    query: (sql, values) => client.query(sql, values as unknown[]),
    async tableExists(table) {
      const { rows } = await client.query('SELECT to_regclass($1) IS NOT NULL AS exists', [`${schema}.${table}`]);
      return rows[0].exists;
    },
    async count(table) {
      const { rows } = await client.query(`SELECT count(*)::int AS n FROM ${schema}.${table}`);
      return rows[0].n;
    },
    async close() {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
}

/** A database of the test's own, for what must start from nothing (schema creation, a separate target). */
export async function createScratchDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: inject('targetUrl') });
  admin.on('error', () => {});
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(inject('targetUrl'));
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}
