import { ruleCases } from './rule-cases.ts';

ruleCases('adding-not-nullable-field', {
  fires: [
    'ALTER TABLE users ALTER COLUMN email SET NOT NULL',
    // The CHECK was added but never validated: SET NOT NULL still scans.
    "ALTER TABLE users ADD CONSTRAINT email_nn CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users ALTER COLUMN email SET NOT NULL",
  ],
  silent: [
    // A NOT NULL column without a default is adding-required-field's (as in squawk).
    'ALTER TABLE users ADD COLUMN n int NOT NULL',
    'ALTER TABLE users ADD COLUMN n int NOT NULL DEFAULT 0',
    // The validated CHECK proves it: PostgreSQL 12+ skips the scan.
    "ALTER TABLE users ADD CONSTRAINT email_nn CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT email_nn;\nALTER TABLE users ALTER COLUMN email SET NOT NULL",
  ],
});
