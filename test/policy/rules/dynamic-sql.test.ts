import { ruleCases } from './rule-cases.ts';

ruleCases('dynamic-sql', {
  fires: [
    "DO $$ DECLARE t text := 'x'; BEGIN EXECUTE 'DROP TABLE ' || t; END $$",
    "EXECUTE unknown_statement",
    // A prefix || has no left side: not a constant, so it is dynamic (this crashed classify once).
    "DO $$ BEGIN EXECUTE || 'DROP TABLE x'; END $$",
  ],
  silent: ["DO $$ BEGIN EXECUTE 'INSERT INTO log VALUES (1)'; END $$", "PREPARE p AS SELECT 1; EXECUTE p"],
});
