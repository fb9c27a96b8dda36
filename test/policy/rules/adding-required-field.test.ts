import { ruleCases } from './rule-cases.ts';

ruleCases('adding-required-field', {
  fires: ['ALTER TABLE users ADD COLUMN n int NOT NULL', 'ALTER TABLE users ADD COLUMN a text, ADD COLUMN b text NOT NULL'],
  silent: [
    'ALTER TABLE users ADD COLUMN n int NOT NULL DEFAULT 0',
    'ALTER TABLE users ADD COLUMN n int',
    'ALTER TABLE users ADD COLUMN id bigint NOT NULL GENERATED ALWAYS AS IDENTITY',
    'CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN n int NOT NULL',
  ],
});
