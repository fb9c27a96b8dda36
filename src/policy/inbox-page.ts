import { InboxPosition } from '../contracts/inbox-page.ts';
import { ok, refused, type Result } from '../contracts/result.ts';

/**
 * How much of the inbox one call reads. The hard maximum keeps one call
 * bounded whatever a caller asks for (a hostile agent can fill the inbox;
 * it cannot make every reviewer's `inbox` read all of it).
 */
export const INBOX_LIMITS = {
  defaultLimit: 50,
  maxLimit: 500,
} as const;

/** `--limit N`: a whole number from 1 to the hard maximum, written as plain digits. */
export function parseInboxLimit(text: string | undefined): Result<number, 'inbox-limit'> {
  if (text === undefined) return ok(INBOX_LIMITS.defaultLimit);
  const shown = JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
  const refusal = refused('inbox-limit', `--limit takes a whole number from 1 to ${INBOX_LIMITS.maxLimit}, not ${shown}: for more, page on with --after and the next_cursor each page prints`);
  if (!/^\d{1,6}$/.test(text)) return refusal;
  const limit = Number(text);
  if (limit < 1 || limit > INBOX_LIMITS.maxLimit) return refusal;
  return ok(limit);
}

// The cursor is the sort key written as base64url JSON: opaque to the eye, so
// that scripts pass it back as they got it (and its form can change), but not
// a secret or a capability. Any cursor that decodes to a well-formed position
// is a real position: all it can do is start the page after it, among pending
// approvals only (the status filter is in the query, not in the cursor), and
// its values reach the query as bind parameters, never as SQL text.
const CURSOR_PREFIX = 'c1.';
const MAX_CURSOR_LENGTH = 400;
// Every time to_char writes with a four-digit year (the range the pattern allows, less
// year 0, which JavaScript reads as 1 BC and Postgres refuses): a cursor the inbox prints
// always reads back.
const EARLIEST = Date.parse('0001-01-01T00:00:00Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

export function encodeInboxCursor(position: InboxPosition): string {
  return `${CURSOR_PREFIX}${Buffer.from(JSON.stringify([position.requested_at, position.approval_id]), 'utf8').toString('base64url')}`;
}

/** `--after CURSOR`: the next_cursor of an earlier page, exactly as it was printed. */
export function decodeInboxCursor(text: string): Result<InboxPosition, 'inbox-cursor'> {
  const refusal = refused(
    'inbox-cursor',
    `--after takes the next_cursor an earlier "airlock inbox" printed, exactly as printed; ${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)} is not one: run "airlock inbox" for the first page`,
  );
  if (text.length > MAX_CURSOR_LENGTH || !text.startsWith(CURSOR_PREFIX)) return refusal;
  const body = text.slice(CURSOR_PREFIX.length);
  if (!/^[A-Za-z0-9_-]+$/.test(body)) return refusal;
  const bytes = Buffer.from(body, 'base64url');
  // One spelling per cursor: base64 with stray padding bits decodes too, and would be a second name for the same position.
  if (bytes.toString('base64url') !== body) return refusal;
  const json = bytes.toString('utf8');
  if (Buffer.from(json, 'utf8').toString('base64url') !== body) return refusal; // not UTF-8
  let decoded: unknown;
  try {
    decoded = JSON.parse(json);
  } catch {
    return refusal;
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) return refusal;
  const position = InboxPosition.safeParse({ requested_at: decoded[0], approval_id: decoded[1] });
  if (!position.success) return refusal;
  const at = Date.parse(position.data.requested_at);
  if (Number.isNaN(at) || at < EARLIEST || at > LATEST || new Date(at).toISOString().slice(0, 19) !== position.data.requested_at.slice(0, 19)) {
    return refusal; // 2026-02-30 and 25:00 pass the pattern, not the calendar
  }
  return ok(position.data);
}
