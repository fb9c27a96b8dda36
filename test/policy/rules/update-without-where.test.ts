import { ruleCases } from './rule-cases.ts';

ruleCases('update-without-where', {
  fires: ["UPDATE users SET admin = true"],
  silent: ["UPDATE users SET admin = true WHERE id = 1"],
});
