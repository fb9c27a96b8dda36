import { ruleCases } from './rule-cases.ts';

ruleCases('adding-field-with-default', {
  fires: ["ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid()", "ALTER TABLE users ADD COLUMN r float DEFAULT random()"],
  silent: ["ALTER TABLE users ADD COLUMN flag boolean DEFAULT false", "ALTER TABLE users ADD COLUMN created timestamptz DEFAULT now()"],
});
