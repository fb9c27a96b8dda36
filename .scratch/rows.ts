import { RULES } from '../src/policy/rules/index.ts';
for (const name of process.argv.slice(2)) { const r = RULES.find((x) => x.name === name)!; console.log(`| \`${r.name}\` | ${r.tier} | ${r.message.replace(/\|/g, '\\|')} |`); }
