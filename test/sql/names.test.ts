import { describe, expect, it } from 'vitest';
import { qualifiedName, quoteIdentifier, quoteQualified, quotedTable, relationName, splitQualified } from '../../src/sql/names.ts';

describe('names: qualified once, quoted once', () => {
  it.each([
    ['users', '"users"'],
    ['Users', '"Users"'],
    ['a"b', '"a""b"'],
    ['x; DROP TABLE users; --', '"x; DROP TABLE users; --"'],
    ['', '""'],
  ])('quoteIdentifier(%j) is %s', (name, quoted) => {
    expect(quoteIdentifier(name)).toBe(quoted);
  });

  it('qualifies an unqualified name with public, keeps a schema', () => {
    expect(qualifiedName(undefined, 't')).toBe('public.t');
    expect(qualifiedName('', 't')).toBe('public.t');
    expect(qualifiedName('app', 't')).toBe('app.t');
    expect(relationName({ schemaname: 'app', relname: 'T' })).toBe('app.T');
    expect(relationName({ relname: 't' })).toBe('public.t');
    expect(relationName(undefined)).toBe('public.?');
  });

  it('splits schema.table at the first dot, so a table whose name has a dot stays one name', () => {
    expect(splitQualified('app.t')).toEqual(['app', 't']);
    expect(splitQualified('public.users.bak')).toEqual(['public', 'users.bak']);
    expect(splitQualified('t')).toEqual(['public', 't']);
    expect(quotedTable('public.users.bak')).toBe('"public"."users.bak"');
    expect(quoteQualified(['a', 'b"c'])).toBe('"a"."b""c"');
  });
});
