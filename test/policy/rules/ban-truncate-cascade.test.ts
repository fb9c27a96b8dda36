import { ruleCases } from './rule-cases.ts';

ruleCases('ban-truncate-cascade', {
  fires: ["TRUNCATE users CASCADE"],
  silent: ["TRUNCATE users"],
});
