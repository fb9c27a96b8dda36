import { ruleCases } from './rule-cases.ts';

ruleCases('airlock-backups', {
  fires: [
    'DELETE FROM airlock_backup.act_0123456789ab',
    "UPDATE airlock_backup.act_0123456789ab SET email = 'x'",
    'INSERT INTO airlock_backup.act_0123456789ab VALUES (1)',
    'TRUNCATE airlock_trash.act_0123456789ab_1',
    'DROP TABLE airlock_trash.act_0123456789ab_1',
    'DROP TABLE public.t, airlock_backup.act_0123456789ab',
    'DROP SCHEMA airlock_backup CASCADE',
    'DROP SCHEMA airlock_trash',
    'ALTER TABLE airlock_backup.act_0123456789ab ADD COLUMN x int',
    'ALTER TABLE airlock_backup.act_0123456789ab RENAME TO other',
    'ALTER SCHEMA airlock_trash RENAME TO t2',
    'ALTER TABLE public.users SET SCHEMA airlock_trash',
    'CREATE TABLE airlock_backup.act_0123456789ab (id int)',
    'CREATE TABLE airlock_backup.x AS SELECT 1',
    'SELECT * INTO airlock_backup.x FROM users',
    'WITH d AS (DELETE FROM airlock_backup.act_0123456789ab RETURNING *) SELECT * FROM d',
    "COPY airlock_backup.act_0123456789ab FROM '/tmp/x'",
  ],
  silent: [
    'SELECT * FROM airlock_backup.act_0123456789ab',
    'INSERT INTO public.sessions SELECT * FROM airlock_backup.act_0123456789ab',
    'ALTER TABLE airlock_trash.act_0123456789ab_1 SET SCHEMA public',
    'DELETE FROM public.backup WHERE id = 1',
    'DROP TABLE public.airlock_trash',
    "COPY airlock_backup.act_0123456789ab TO STDOUT",
  ],
});
