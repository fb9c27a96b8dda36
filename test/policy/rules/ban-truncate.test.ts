import { ruleCases } from './rule-cases.ts';

ruleCases('ban-truncate', {
  fires: ["TRUNCATE users"],
  silent: ["DELETE FROM users WHERE id = 1", "SELECT * FROM truncate_log"],
});
