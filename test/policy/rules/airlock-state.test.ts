import { ruleCases } from './rule-cases.ts';

ruleCases('airlock-state', {
  fires: ["DELETE FROM airlock.audit", "DROP SCHEMA airlock CASCADE"],
  silent: ["SELECT * FROM airlock.audit", "DELETE FROM app.audit WHERE id = 1"],
});
