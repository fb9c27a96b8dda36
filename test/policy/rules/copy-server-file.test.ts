import { ruleCases } from './rule-cases.ts';

ruleCases('copy-server-file', {
  fires: ["COPY (SELECT * FROM users) TO '/tmp/users.csv'", "COPY users FROM '/var/lib/postgresql/data/pg_hba.conf'", "COPY users TO '/tmp/x' (FORMAT csv)"],
  silent: ['COPY users TO STDOUT', 'COPY (SELECT 1) TO STDOUT WITH (FORMAT csv)', 'COPY users FROM STDIN', "COPY users TO PROGRAM 'gzip > /tmp/x'"],
});
