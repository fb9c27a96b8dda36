import { ruleCases } from './rule-cases.ts';

ruleCases('merge-delete', {
  fires: ["MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE"],
  silent: ["MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET n = s.n"],
});
