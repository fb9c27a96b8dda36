import { ruleCases } from './rule-cases.ts';

ruleCases('read-allow-list', {
  fires: ['SELECT * FROM users FOR UPDATE', 'SELECT * INTO copy_of_users FROM users', 'EXPLAIN SELECT * FROM users FOR SHARE'],
  silent: [
    'SELECT u.id, count(*) FILTER (WHERE o.total > 10) FROM users u LEFT JOIN orders o ON o.user_id = u.id GROUP BY u.id HAVING count(*) > 1 ORDER BY 2 DESC LIMIT 5',
    "WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 10) SELECT n, row_number() OVER (ORDER BY n) FROM t",
    "SELECT CASE WHEN a IS NULL THEN 'x' ELSE a::text END, (ARRAY[1, 2])[1], (SELECT max(id) FROM users) FROM t TABLESAMPLE SYSTEM (1)",
    'COPY users TO STDOUT',
    'SHOW work_mem',
  ],
});
