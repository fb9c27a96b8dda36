import { ruleCases } from './rule-cases.ts';

ruleCases('select-for-update', {
  fires: ["SELECT * FROM jobs FOR UPDATE SKIP LOCKED"],
  silent: ["SELECT * FROM jobs"],
});
