import { normalise, type Guardrail } from './guardrail.ts';

// The agent only does database work: a task must speak of data, tables, SQL or their upkeep.
const DATABASE_WORDS =
  /\b(database|db|postgres(ql)?|sql|tables?|rows?|columns?|schemas?|index(es)?|indices|migrations?|migrate|records?|queries|query|select|insert|update|delete|drop|truncate|vacuum|clean ?up|cleanups?|purge|archive|stale|duplicates?|orphan(ed)?|backfill|constraints?|foreign keys?|primary keys?|data ?set|data|users?|sessions?|orders?|accounts?|customers?|events?|notes?|settings|logs?|count|how many|list|describe|explain|sample)\b/;

export const offTopic: Guardrail = {
  name: 'off-topic',
  sources: ['task'],
  check(text) {
    const normalised = normalise(text);
    if (DATABASE_WORDS.test(normalised)) return undefined;
    return {
      rule: 'off-topic',
      message: 'the task is not database work (off-topic): this agent only inspects and changes PostgreSQL data and schemas',
      evidence: normalised.slice(0, 80),
    };
  },
};
