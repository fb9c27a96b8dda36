import type { Node } from '@pgsql/types';

/**
 * The parse tree's types, from @pgsql/types: generated from the Postgres
 * protobuf definitions libpg-query 18 parses with, so they describe the very
 * JSON it returns (`DeleteStmt`, `RangeVar`, `A_Expr`…; import them from
 * there). A node is wrapped in its kind, `{ DeleteStmt: { relation, … } }`;
 * a ParsedStatement holds its node unwrapped, with the kind beside it.
 *
 * Types only: reading a node through them costs nothing at run time, which is
 * what keeps classifying near the parser's speed.
 */

// Kind → fields, made once from the Node union (looking a kind up in the union each time costs the type-checker dearly).
type NodeMap = { [N in Node as keyof N]: N[keyof N] };

/** Every kind of node the parser gives: `DeleteStmt`, `A_Const`, `String`… */
export type NodeKind = keyof NodeMap;

/** The kinds of statement: every statement node's kind ends in `Stmt` (RawStmt is what wraps one). */
export type StatementKind = Exclude<Extract<NodeKind, `${string}Stmt`>, 'RawStmt'>;

/** The fields of a node of this kind: what `{ [kind]: … }` wraps. */
export type NodeOf<K extends NodeKind> = NodeMap[K];

/**
 * A wrapped node read by its kind (`item.String?.sval`, `arg.A_Const?.sval`):
 * every kind optional, as a node is exactly one of them. Every `Node` is one,
 * so a list of the tree's nodes can be read as a list of these.
 */
export type WrappedNode = Partial<NodeMap>;

/** An unwrapped node whose kind is known only at run time: for code that walks every kind alike. */
export type Fields = Record<string, unknown>;

/**
 * A statement's kind and its unwrapped node: comparing `kind` narrows `node`
 * to that kind's fields (`kind === 'DropStmt' && node.removeType === 'OBJECT_INDEX'`,
 * where a misspelt field or value does not compile). Helpers that take any
 * kind's node take it as an `object`.
 */
export type StatementNode = { [K in StatementKind]: { kind: K; node: NodeOf<K> } }[StatementKind];
