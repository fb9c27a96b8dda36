/**
 * The schemas Airlock owns in a database (see src/store/schema.ts):
 * `airlock` (approvals, audit, ledger, checkpoints, whole-table copies),
 * `airlock_backup` (rows and columns kept for undo) and `airlock_trash`
 * (dropped tables). Names as PostgreSQL stores them: `"Airlock"` is another schema.
 */
export const AIRLOCK_SCHEMAS: ReadonlySet<string> = new Set(['airlock', 'airlock_backup', 'airlock_trash']);

export function isAirlockSchema(schema: string | undefined): boolean {
  return schema !== undefined && AIRLOCK_SCHEMAS.has(schema);
}
