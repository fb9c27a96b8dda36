/**
 * A name as Airlock holds people and agents to it (issue 18): normalised
 * once, wherever a name is accepted, so that `Dev`, `dev ` and `alice\u200b`
 * cannot stand in for `dev` or `alice`. Pure.
 *
 *   trimmed → Unicode NFKC (fullwidth and compatibility forms fold to their
 *   plain letters) → refused if it holds a control, format (zero-width,
 *   bidi), private-use, unassigned or separator character other than a plain
 *   space → case folded.
 */

export type NameRefusalCode = 'bad-name';

export type NameOutcome = { ok: true; name: string } | { ok: false; code: NameRefusalCode; message: string };

const MAX_LENGTH = 128;
// Control, format, private use, unassigned, line and paragraph separators, and any space but U+0020.
const HIDDEN = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}]|(?! )\p{Zs}/u;
const EVERY_HIDDEN = new RegExp(HIDDEN.source, 'gu');

export function principalName(raw: string): NameOutcome {
  const name = raw.normalize('NFKC').trim();
  if (name === '') return { ok: false, code: 'bad-name', message: 'the name is empty: give a name, e.g. --as alice' };
  const hidden = HIDDEN.exec(name);
  if (hidden) {
    const code = hidden[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    return {
      ok: false,
      code: 'bad-name',
      message: `the name ${JSON.stringify(raw)} holds an invisible or control character (U+${code}): type the name in plain letters`,
    };
  }
  if (name.length > MAX_LENGTH) return { ok: false, code: 'bad-name', message: `the name is longer than ${MAX_LENGTH} characters: give a shorter one` };
  // Folded after NFKC, then NFKC again: a few lower-case forms are not in NFKC form themselves.
  return { ok: true, name: name.toLowerCase().normalize('NFKC') };
}

/**
 * The form two names are compared in when one of them was not accepted
 * through principalName (a name recorded before it, or given to a graph
 * directly): hidden characters and every space dropped, NFKC, case folded.
 * Lenient on purpose: it can only make more names count as the same person
 * (four eyes refuses more), never fewer.
 */
export function comparableName(raw: string): string {
  return raw
    .normalize('NFKC')
    .replace(EVERY_HIDDEN, '')
    .replace(/\s+/gu, '')
    .toLowerCase()
    .normalize('NFKC');
}

/** Are these two names the same principal? */
export function sameName(a: string, b: string): boolean {
  return comparableName(a) === comparableName(b);
}
