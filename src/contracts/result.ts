/**
 * The one shape of an answer from the pure core (src/sql, src/policy,
 * src/contracts): a value, or a refusal. A refusal names the rule or check
 * that said no (`code`, kebab-case, as in the README's rule table:
 * `parse-error`, `input-limit`, `unstable-predicate`…) and says, in one line
 * for the person on call, what happened and what to do next (`message`).
 * Code decides on the code, never on the message's words; the message is for
 * people and may be reworded.
 */
export interface Refusal<C extends string = string> {
  readonly code: C;
  readonly message: string;
}

export interface Ok<T> {
  readonly ok: true;
  readonly value: T;
}

/** A refusal in a result. `R` may carry what a caller needs besides the line (a policy file's every problem). */
export interface Refused<R extends Refusal = Refusal> {
  readonly ok: false;
  readonly refusal: R;
}

export type Result<T, C extends string = string> = Ok<T> | Refused<Refusal<C>>;

export function ok<T>(value: T): Ok<T> {
  return { ok: true, value };
}

/** A refusal on its own: for a check that has no value to give when it passes (it returns `Refusal | undefined`). */
export function refuse<C extends string>(code: C, message: string): Refusal<C> {
  return { code, message };
}

export function refused<C extends string>(code: C, message: string): Refused<Refusal<C>> {
  return { ok: false, refusal: { code, message } };
}

/** A refusal already made (by a check this one calls), as a result. */
export function refusedWith<R extends Refusal>(reason: R): Refused<R> {
  return { ok: false, refusal: reason };
}
