import type { Rule } from './rule.ts';

// BEGIN READ ONLY does not stop COPY … TO '/path': a superuser (or a member of
// pg_write_server_files) overwrites any file the server's OS user can write,
// table data files included; COPY … FROM '/path' reads any of them.
export const copyServerFile: Rule = {
  name: 'copy-server-file',
  kinds: new Set(['CopyStmt']),
  tier: 'forbidden',
  message: "COPY … TO/FROM a file reads or writes files on the database server (its data files included), which no transaction can undo: use COPY … TO STDOUT / FROM STDIN, through the client",
  check: ({ kind, node }) => kind === 'CopyStmt' && !node.is_program && typeof node.filename === 'string' && { detail: `${node.is_from ? 'FROM' : 'TO'} '${node.filename}'` },
};
