import { ruleCases } from './rule-cases.ts';

ruleCases('rewrite-rule', {
  fires: [
    'CREATE RULE purge AS ON INSERT TO events DO ALSO DELETE FROM users',
    'CREATE RULE quiet AS ON INSERT TO audit DO INSTEAD NOTHING',
    'CREATE OR REPLACE RULE r AS ON UPDATE TO accounts DO ALSO UPDATE balances SET total = 0 WHERE id = NEW.id',
    'CREATE RULE redirect AS ON INSERT TO orders DO INSTEAD INSERT INTO orders_queue VALUES (NEW.*)',
  ],
  silent: ['CREATE RULE log AS ON INSERT TO events DO ALSO INSERT INTO event_log VALUES (NEW.id)', "CREATE RULE ping AS ON INSERT TO events DO ALSO NOTIFY events", 'DROP RULE r ON events'],
});
