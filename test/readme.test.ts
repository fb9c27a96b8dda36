import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../src/policy/rules/index.ts';

const readme = fs.readFileSync(path.resolve(import.meta.dirname, '../README.md'), 'utf8');

describe('the README stays true', () => {
  it.each(RULES.map((rule) => [rule.name, rule] as const))('its rule table has %s with its message', (name, rule) => {
    expect(readme).toContain(`| \`${name}\` | ${rule.tier} | ${rule.message.replace(/\|/g, '\\|')} |`);
  });

  it('names the two commands', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
  });
});
