-- Retire the old login flow's table: moved to airlock_trash by Airlock, so it can be undone.
DROP TABLE public.legacy_sessions;
