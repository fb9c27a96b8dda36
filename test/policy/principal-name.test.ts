import { describe, expect, it } from 'vitest';
import { isAgentIdentity } from '../../src/policy/agent-names.ts';
import { agentRefusal } from '../../src/policy/permit.ts';
import { comparableName, principalName, sameName } from '../../src/policy/principal-name.ts';
import { BUILT_IN_POLICY } from '../../src/policy/policy-file.ts';

/**
 * Names that cannot pass for each other (issue 18): normalised once, so that
 * a case, width, spacing or invisible variant of a name is either the same
 * person or refused, never a second person.
 */
describe('principalName', () => {
  it.each([
    ['alice', 'alice'],
    ['Alice', 'alice'],
    ['  alice  ', 'alice'],
    ['ALICE', 'alice'],
    ['ａｌｉｃｅ', 'alice'], // fullwidth letters (NFKC)
    ['ﬁona', 'fiona'], // a ligature (NFKC)
    ['Agent:Bot', 'agent:bot'],
    ['AGENT:cleanup-bot', 'agent:cleanup-bot'],
    ['Zoë', 'zoë'],
    ['Ze\u0301', 'zé'], // a combining accent composes (NFKC)
    ['mary ann', 'mary ann'],
    ['dev\u00a0', 'dev'], // a no-break space folds to a space (NFKC), then is trimmed
  ])('%j is %j', (raw, name) => {
    expect(principalName(raw)).toEqual({ ok: true, name });
  });

  it.each([
    ['alice\u200b', '200B'], // zero-width space
    ['al\u200dice', '200D'], // zero-width joiner
    ['\u2066alice\u2069', '2066'], // bidi isolate
    ['ali\u202ece', '202E'], // right-to-left override
    ['alice\ufeff', 'FEFF'], // byte-order mark inside (after trim it would be gone: here it stays, it is a format character)
    ['al\u00adice', '00AD'], // soft hyphen
    ['bob\u0000', '0000'],
    ['bo\tb', '0009'],
    ['bob\nalice', '000A'],
    ['mary\u2028ann', '2028'],
    ['\ue000boss', 'E000'], // private use
  ])('%j is refused (U+%s), with a line that says what to type', (raw, code) => {
    const outcome = principalName(raw);
    if (raw === 'alice\ufeff') {
      // JavaScript's trim drops a trailing U+FEFF: the name is then plain.
      expect(outcome).toEqual({ ok: true, name: 'alice' });
      return;
    }
    expect(outcome).toMatchObject({ ok: false, code: 'bad-name' });
    expect(outcome.ok ? '' : outcome.message).toContain(`U+${code}`);
    expect(outcome.ok ? '' : outcome.message).toMatch(/plain letters/);
  });

  it('refuses the empty name and a name past 128 characters (fails closed)', () => {
    expect(principalName('   ')).toMatchObject({ ok: false, code: 'bad-name' });
    expect(principalName('a'.repeat(129))).toMatchObject({ ok: false, code: 'bad-name' });
    expect(principalName('a'.repeat(128))).toMatchObject({ ok: true });
  });

  it('comparableName drops what could hide a second name; sameName compares by it', () => {
    expect(comparableName('D e v\u200b')).toBe('dev');
    expect(sameName('dev', 'Dev ')).toBe(true);
    expect(sameName('dev', 'de\u200bv')).toBe(true);
    expect(sameName('alice', 'ａｌｉｃｅ')).toBe(true);
    expect(sameName('alice', 'bob')).toBe(false);
  });
});

describe('the agent: prefix in any case, width or spacing', () => {
  it.each(['agent:bot', 'AGENT:bot', 'Agent:Bot', ' agent:bot', 'ａｇｅｎｔ:bot', 'agent\u200b:bot', 'agent :bot'])('%j is an agent', (name) => {
    expect(isAgentIdentity(name)).toBe(true);
  });
  it.each(['alice', 'agentsmith', 'agent-bot', 'my-agent:bot'])('%j is not', (name) => {
    expect(isAgentIdentity(name)).toBe(false);
  });

  it("the policy's agents are found whatever the case; an agent it does not know is refused", () => {
    const policy = { ...BUILT_IN_POLICY, agents: { 'cleanup-bot': { tools: ['read'], environments: ['development'] } } };
    expect(agentRefusal('AGENT:Cleanup-Bot', 'run_select', 'development', policy)).toBeUndefined();
    expect(agentRefusal('AGENT:Cleanup-Bot', 'propose_migration', 'development', policy)).toMatchObject({ code: 'agent-permission' });
    expect(agentRefusal('Agent:other-bot', 'run_select', 'development', policy)).toMatchObject({ code: 'unknown-agent' });
  });
});
