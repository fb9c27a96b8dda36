-- Make last_login mandatory the safe way: a NOT VALID check first, validated separately.
SET lock_timeout = '2s';
ALTER TABLE public.users ADD CONSTRAINT users_last_login_not_null CHECK (last_login IS NOT NULL) NOT VALID;
