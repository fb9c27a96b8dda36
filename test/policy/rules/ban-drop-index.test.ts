import { ruleCases } from './rule-cases.ts';

ruleCases('ban-drop-index', {
  fires: ['DROP INDEX users_email_key', 'DROP INDEX CONCURRENTLY IF EXISTS users_email_key'],
  silent: ['CREATE INDEX CONCURRENTLY i ON users (email)', 'DROP TABLE users', 'DROP VIEW active_users'],
});
