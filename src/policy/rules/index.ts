import { addingFieldWithDefault } from './adding-field-with-default.ts';
import { addingForeignKeyConstraint } from './adding-foreign-key-constraint.ts';
import { addingNotNullableField } from './adding-not-nullable-field.ts';
import { addingRequiredField } from './adding-required-field.ts';
import { airlockBackups } from './airlock-backups.ts';
import { airlockObjects } from './airlock-objects.ts';
import { airlockState } from './airlock-state.ts';
import { banConcurrentIndexCreationInTransaction } from './ban-concurrent-index-creation-in-transaction.ts';
import { banDropColumn } from './ban-drop-column.ts';
import { banDropConstraint } from './ban-drop-constraint.ts';
import { banDropDatabase } from './ban-drop-database.ts';
import { banDropIndex } from './ban-drop-index.ts';
import { banDropObject } from './ban-drop-object.ts';
import { banDropTable } from './ban-drop-table.ts';
import { banTruncateCascade } from './ban-truncate-cascade.ts';
import { banTruncate } from './ban-truncate.ts';
import { changingColumnType } from './changing-column-type.ts';
import { constraintMissingNotValid } from './constraint-missing-not-valid.ts';
import { copyProgram } from './copy-program.ts';
import { copyServerFile } from './copy-server-file.ts';
import { dataModifyingCte } from './data-modifying-cte.ts';
import { deleteRemovesRows } from './delete-removes-rows.ts';
import { deleteWithoutWhere } from './delete-without-where.ts';
import { dynamicSql } from './dynamic-sql.ts';
import { explainAnalyzeExecutes } from './explain-analyze-executes.ts';
import { mergeDelete } from './merge-delete.ts';
import { nestingLimit } from './nesting-limit.ts';
import { onConflictDoUpdate } from './on-conflict-do-update.ts';
import { privilegeChange } from './privilege-change.ts';
import { readAllowList } from './read-allow-list.ts';
import { renamingColumn } from './renaming-column.ts';
import { replaceExistingDefinition } from './replace-existing-definition.ts';
import { rewriteRule } from './rewrite-rule.ts';
import { renamingTable } from './renaming-table.ts';
import { requireConcurrentIndexCreation } from './require-concurrent-index-creation.ts';
import { requireConcurrentIndexDeletion } from './require-concurrent-index-deletion.ts';
import { requireTimeoutSettings } from './require-timeout-settings.ts';
import { rowsOutOfReach } from './rows-out-of-reach.ts';
import type { Rule } from './rule.ts';
import { selectForUpdate } from './select-for-update.ts';
import { selectInto } from './select-into.ts';
import { sideEffectFunction } from './side-effect-function.ts';
import { tautologicalWhere } from './tautological-where.ts';
import { transactionControl } from './transaction-control.ts';
import { triggerFunctionBody } from './trigger-function-body.ts';
import { unknownFunction } from './unknown-function.ts';
import { unrecognisedStatement } from './unrecognised-statement.ts';
import { updateWithoutWhere } from './update-without-where.ts';
import { userDefinedFunction } from './user-defined-function.ts';

/** Every rule, by name. Adding a rule is one file and one line here. */
export const RULES: readonly Rule[] = [
  // Lock danger (named as squawk names them)
  requireConcurrentIndexCreation,
  requireConcurrentIndexDeletion,
  addingNotNullableField,
  addingRequiredField,
  addingFieldWithDefault,
  changingColumnType,
  constraintMissingNotValid,
  addingForeignKeyConstraint,
  banDropColumn,
  banDropTable,
  banDropDatabase,
  banTruncateCascade,
  renamingColumn,
  renamingTable,
  banConcurrentIndexCreationInTransaction,
  requireTimeoutSettings,
  // Airlock's own
  deleteWithoutWhere,
  updateWithoutWhere,
  tautologicalWhere,
  dynamicSql,
  privilegeChange,
  sideEffectFunction,
  explainAnalyzeExecutes,
  transactionControl,
  airlockState,
  airlockBackups,
  airlockObjects,
  copyProgram,
  copyServerFile,
  dataModifyingCte,
  mergeDelete,
  selectInto,
  selectForUpdate,
  banTruncate,
  banDropObject,
  banDropConstraint,
  banDropIndex,
  deleteRemovesRows,
  rowsOutOfReach,
  onConflictDoUpdate,
  readAllowList,
  // Where a call resolves to a user's function, that says more than "unknown": named first.
  userDefinedFunction,
  unknownFunction,
  nestingLimit,
  unrecognisedStatement,
  // Behaviour defined now and run later: judged by what it will run
  rewriteRule,
  triggerFunctionBody,
  replaceExistingDefinition,
];

export type { Rule } from './rule.ts';
