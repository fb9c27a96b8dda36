import { ruleCases } from './rule-cases.ts';

ruleCases('dynamic-sql', {
  fires: ["DO $$ DECLARE t text := 'x'; BEGIN EXECUTE 'DROP TABLE ' || t; END $$", "EXECUTE unknown_statement"],
  silent: ["DO $$ BEGIN EXECUTE 'INSERT INTO log VALUES (1)'; END $$", "PREPARE p AS SELECT 1; EXECUTE p"],
});
