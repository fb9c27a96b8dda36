import { ruleCases } from './rule-cases.ts';

ruleCases('on-conflict-do-update', {
  fires: ['INSERT INTO t (id, n) VALUES (1, 2) ON CONFLICT (id) DO UPDATE SET n = excluded.n', 'INSERT INTO t SELECT * FROM s ON CONFLICT (id) DO UPDATE SET n = excluded.n WHERE t.n < excluded.n'],
  silent: ['INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING', 'INSERT INTO t VALUES (1)'],
});
