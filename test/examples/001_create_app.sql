-- The example application the README's walkthrough acts on (run it in development).
CREATE TABLE public.users (
  id         bigint PRIMARY KEY,
  email      text NOT NULL UNIQUE,
  last_login timestamptz
);
INSERT INTO public.users
  SELECT n, 'user' || n || '@example.com', CASE WHEN n > 700 THEN now() - n * interval '1 hour' END
  FROM generate_series(1, 1000) AS n;

CREATE TABLE public.sessions (
  id         bigint PRIMARY KEY,
  user_id    bigint NOT NULL REFERENCES public.users (id),
  created_at timestamptz NOT NULL
);
INSERT INTO public.sessions
  SELECT n, 1 + n % 1000, CASE WHEN n <= 30 THEN now() - interval '40 days' ELSE now() - interval '1 day' END
  FROM generate_series(1, 1000) AS n;

-- Left over from the old login flow; nothing reads it any more.
CREATE TABLE public.legacy_sessions (
  id    bigint PRIMARY KEY,
  token text NOT NULL
);
INSERT INTO public.legacy_sessions SELECT n, md5(n::text) FROM generate_series(1, 5000) AS n;
