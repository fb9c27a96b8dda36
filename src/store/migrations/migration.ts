/**
 * One numbered change to Airlock's own tables. A list of them is append-only:
 * never edit one that shipped (databases in the field have run it), add the next.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * A list of migrations and the table (in schema `airlock` of each database the
 * list is applied to) that records which of them that database has.
 */
export interface MigrationList {
  /** Which list, in the reader's words: for errors and the version table's name. */
  name: 'state' | 'ledger';
  /** `airlock.<versionTable>`: one row per migration applied, by version. */
  versionTable: 'schema_migrations' | 'ledger_migrations';
  migrations: readonly Migration[];
}
