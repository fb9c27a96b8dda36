import { ruleCases } from './rule-cases.ts';

ruleCases('rows-out-of-reach', {
  fires: [
    'ALTER TABLE events DETACH PARTITION events_2025',
    'ALTER TABLE events DETACH PARTITION events_2025 CONCURRENTLY',
    'ALTER TABLE users SET SCHEMA archive',
    'ALTER TABLE child NO INHERIT parent',
    'ALTER TABLE users ENABLE ROW LEVEL SECURITY',
  ],
  silent: ['ALTER TABLE events ATTACH PARTITION events_2026 FOR VALUES FROM (1) TO (2)', 'ALTER FUNCTION f() SET SCHEMA util', 'ALTER TABLE users ADD COLUMN note text'],
});
