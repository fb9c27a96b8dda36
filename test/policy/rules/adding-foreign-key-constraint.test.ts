import { ruleCases } from './rule-cases.ts';

ruleCases('adding-foreign-key-constraint', {
  fires: ["ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id)"],
  silent: ["ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID", "ALTER TABLE orders ADD CONSTRAINT c CHECK (total > 0)"],
});
