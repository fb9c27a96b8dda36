/**
 * A record's own entry for a name that came from outside (a flag, a variable,
 * a database marker, a requester's identity): `record[name]` would find
 * `__proto__`, `constructor` or `toString` on every object, and a crash or a
 * wrong grant follows. Every such lookup goes through here.
 */
export function ownEntry<T>(record: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(record, name) ? record[name] : undefined;
}

export function hasOwnEntry(record: Readonly<Record<string, unknown>>, name: string): boolean {
  return Object.hasOwn(record, name);
}
