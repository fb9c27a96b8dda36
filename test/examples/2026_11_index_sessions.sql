-- Index sessions by user without blocking writes: CONCURRENTLY, alone (it cannot run in a transaction).
CREATE INDEX CONCURRENTLY IF NOT EXISTS sessions_user_id_idx ON public.sessions (user_id);
