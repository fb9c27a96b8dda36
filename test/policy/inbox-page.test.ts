import { describe, expect, it } from 'vitest';
import { decodeInboxCursor, encodeInboxCursor, INBOX_LIMITS, parseInboxLimit } from '../../src/policy/inbox-page.ts';

const position = { requested_at: '2026-12-06T20:43:48.123456Z', approval_id: 'apr-0123456789' };
/** The same bytes with the unused low bits of the last base64 digit set: Buffer decodes both spellings alike. */
function secondSpelling(cursor: string): string {
  const digits = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = digits.indexOf(cursor.at(-1)!);
  const spare = (cursor.length - 3) % 4 === 2 ? 0b1111 : 0b11; // two digits carry one byte (4 spare bits), three carry two (2)
  return `${cursor.slice(0, -1)}${digits[last | spare]}`;
}
const encoded = (value: unknown) => `c1.${Buffer.from(JSON.stringify(value), 'utf8').toString('base64url')}`;

describe('the inbox page size', () => {
  it('is 50 unless asked, and any whole number from 1 to the hard maximum', () => {
    expect(parseInboxLimit(undefined)).toEqual({ ok: true, value: INBOX_LIMITS.defaultLimit });
    expect(parseInboxLimit('1')).toEqual({ ok: true, value: 1 });
    expect(parseInboxLimit(String(INBOX_LIMITS.maxLimit))).toEqual({ ok: true, value: 500 });
  });

  it.each(['0', '-1', '501', '99999999999', '1e3', '5.5', '0x10', ' 5', '5 ', '', 'abc', '10; DROP TABLE airlock.approvals'])(
    'refuses %j with one line that says the range and how to see more',
    (text) => {
      const result = parseInboxLimit(text);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.refusal.code).toBe('inbox-limit');
      expect(result.refusal.message).toMatch(/^--limit takes a whole number from 1 to 500, not .*: for more, page on with --after/);
      expect(result.refusal.message).not.toContain('\n');
    },
  );
});

describe('the inbox cursor', () => {
  it('gives back exactly the position it was made from, to the microsecond', () => {
    const cursor = encodeInboxCursor(position);
    expect(cursor).toMatch(/^c1\.[A-Za-z0-9_-]+$/);
    expect(decodeInboxCursor(cursor)).toEqual({ ok: true, value: position });
  });

  it('accepts a position written by hand: it is a place in the order, not a capability', () => {
    for (const at of ['0001-01-01T00:00:00.000000Z', '1970-01-01T00:00:00.000000Z', '9999-12-31T23:59:59.999999Z']) {
      expect(decodeInboxCursor(encoded([at, 'a']))).toEqual({ ok: true, value: { requested_at: at, approval_id: 'a' } });
    }
  });

  const refusals: [string, string][] = [
    ['nothing', ''],
    ['words', 'next'],
    ['SQL', "'; DROP TABLE airlock.approvals; --"],
    ['SQL after the prefix', "c1.'; DROP TABLE airlock.approvals; --"],
    ['another version', `c2.${encodeInboxCursor(position).slice(3)}`],
    ['the prefix alone', 'c1.'],
    ['standard base64 with padding', `c1.${Buffer.from(JSON.stringify([position.requested_at, position.approval_id])).toString('base64')}=`],
    ['a second spelling of the same bytes (set padding bits)', secondSpelling(encodeInboxCursor({ ...position, approval_id: 'apr-012345678' }))],
    ['its last character changed', `${encodeInboxCursor(position).slice(0, -1)}${encodeInboxCursor(position).endsWith('A') ? 'B' : 'A'}`],
    ['not JSON', `c1.${Buffer.from('not json').toString('base64url')}`],
    ['not UTF-8', `c1.${Buffer.from([0xff, 0xfe, 0x22]).toString('base64url')}`],
    ['an object instead of a pair', encoded(position)],
    ['three parts', encoded([position.requested_at, position.approval_id, 'status'])],
    ['a number for the time', encoded([1796589828123456, position.approval_id])],
    ['milliseconds only', encoded(['2026-12-06T20:43:48.123Z', position.approval_id])],
    ['a time with a zone other than Z', encoded(['2026-12-06T20:43:48.123456+01:00', position.approval_id])],
    ['a day the calendar does not have', encoded(['2026-02-30T10:00:00.000000Z', position.approval_id])],
    ['an hour the day does not have', encoded(['2026-12-06T25:00:00.000000Z', position.approval_id])],
    ['year 0, which Postgres does not have', encoded(['0000-06-01T00:00:00.000000Z', position.approval_id])],
    ['a five-digit year', encoded(['10000-01-01T00:00:00.000000Z', position.approval_id])],
    ['SQL as the id', encoded([position.requested_at, "x' OR 1=1 --"])],
    ['a status filter smuggled into the id', encoded([position.requested_at, "apr-1') OR status <> ('pending"])],
    ['a newline in the id', encoded([position.requested_at, 'apr-1\nairlock: approved'])],
    ['an empty id', encoded([position.requested_at, ''])],
    ['an id of 201 characters', encoded([position.requested_at, `a${'b'.repeat(200)}`])],
    ['a cursor of 401 characters', `c1.${'A'.repeat(398)}`],
  ];
  it.each(refusals)('refuses %s with one line that says what to pass instead', (_, text) => {
    const result = decodeInboxCursor(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.refusal.code).toBe('inbox-cursor');
    expect(result.refusal.message).toMatch(/^--after takes the next_cursor an earlier "airlock inbox" printed, exactly as printed; .* is not one: run "airlock inbox" for the first page$/);
    expect(result.refusal.message).not.toContain('\n');
  });
});
