import { ruleCases } from './rule-cases.ts';

ruleCases('data-modifying-cte', {
  fires: ["WITH x AS (DELETE FROM q WHERE id < 9 RETURNING *) SELECT count(*) FROM x"],
  silent: ["WITH x AS (SELECT * FROM q) SELECT count(*) FROM x"],
});
