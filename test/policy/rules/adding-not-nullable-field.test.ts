import { ruleCases } from './rule-cases.ts';

ruleCases('adding-not-nullable-field', {
  fires: ["ALTER TABLE users ADD COLUMN n int NOT NULL", "ALTER TABLE users ALTER COLUMN email SET NOT NULL"],
  silent: ["ALTER TABLE users ADD COLUMN n int NOT NULL DEFAULT 0", "ALTER TABLE users ADD COLUMN n int"],
});
