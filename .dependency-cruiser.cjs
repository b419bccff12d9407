// Import rules for src/, suites/ and bench/ (npm run lint: depcruise src suites bench --config .dependency-cruiser.cjs).
//
// The intended layering, bottom to top (ARCHITECTURE.md says the same in prose):
//   transport, contract                      how bytes reach the API; what the API is (it builds requests)
//   secrets, checks                          redaction; judging one exchange
//   engine (and src/scenario.ts, its types)  actors, the token ledger, the clock, throttling, pre-flight, cleanup
//   explore                                  generated histories and their judge
//   src/scenario-api.ts, suites/             what a scenario may use; the scenarios
//   recording                                Polly behind the transport: record and replay
//   run, tools                               a whole run; check, replay, proxy, replay server, nock export
//   reporters                                render a finished report (they need only src/verdict.ts)
//   commands                                 one module per CLI command
//   src/cli.ts, src/index.ts                 the entry points (and src/build-steps.ts, which the build runs)
// src/reference/ stands beside all of this: an independent oracle (a fake of the API) that shares no code
// with the suite that judges it.
const TRANSPORT = '^src/transport/';
const CONTRACT = '^src/contract/';
// Who may import undici: the transport alone (recording and replay are a tap on it, not a second client).
const UNDICI_USERS = [TRANSPORT];
// Small modules at the root of src/ that import nothing from src/ (kept so by the rule src-root-leaves-stay-leaves):
// exit codes and their errors, the report's types, the seeded random source, the tool's name and version,
// calls with a bound on how many are in flight.
const LEAVES = '^src/(exit-codes|verdict|random|tool-info|concurrency)[.]ts$';
// The modules a process or a library user starts from: the CLI, the package ('pat-conformance'),
// its vitest integration ('pat-conformance/vitest'), and what the build runs after tsc.
const ENTRY_POINTS = '^src/(cli|index|vitest|build-steps)[.]ts$';
// In src/ but used only from a clone: the report's JSON Schema, which the tests use (docs/report-format.md says so).
const USED_FROM_A_CLONE = '^src/reporters/report-schema[.]ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules import each other, directly or through others. Break the cycle (move the shared part down a layer).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-orphans',
      severity: 'error',
      comment: 'A module in src/ that imports nothing and that nothing imports: dead code, or an entry point to list here.',
      from: { orphan: true, path: '^src/', pathNot: [ENTRY_POINTS, '[.]d[.]ts$'] },
      to: {},
    },
    {
      name: 'reachable-from-an-entry-point',
      severity: 'error',
      comment: 'Every module in src/ is used by the CLI or the package API; one that only tests reach is dead code.',
      from: { path: ENTRY_POINTS },
      to: { path: '^src/', pathNot: [ENTRY_POINTS, USED_FROM_A_CLONE, '[.]d[.]ts$'], reachable: false },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that cannot be resolved (the other rules cannot see where it goes).',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-non-package-json',
      severity: 'error',
      comment: 'An npm package that package.json does not declare.',
      from: {},
      // A peer dependency is declared too: dependency-cruiser reads peerDependenciesMeta (vitest, optional) as a
      // section of its own and adds 'npm-no-pkg' for it.
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'], dependencyTypesNot: ['npm-peer'] },
    },
    {
      name: 'shipped-code-not-to-dev-dep',
      severity: 'error',
      comment: 'src/ and suites/ ship in the package: a devDependency is not installed for its users (type-only imports excepted).',
      from: { path: '^(src|suites)/' },
      // vitest is an optional peer dependency as well (for src/vitest.ts, see the next rule).
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only', 'npm-peer'], pathNot: ['node_modules/@types/'] },
    },
    {
      name: 'vitest-only-in-its-integration',
      severity: 'error',
      comment: "vitest is an optional peer dependency: only src/vitest.ts ('pat-conformance/vitest') may import it; the rest of the package must load without it.",
      from: { path: '^(src|suites)/', pathNot: '^src/vitest[.]ts$' },
      to: { path: '(^|/)node_modules/(vitest|@vitest)/' },
    },
    {
      name: 'api-only-from-entry-points',
      severity: 'error',
      comment: 'src/api/ (runConformance, exploreConformance) is the library surface: the package entry points import it, nothing below them does.',
      from: { path: '^src/', pathNot: ['^src/(index|vitest)[.]ts$', '^src/api/'] },
      to: { path: '^src/api/' },
    },

    // The layering.
    {
      name: 'src-root-leaves-stay-leaves',
      severity: 'error',
      comment: 'exit-codes.ts, verdict.ts, random.ts, tool-info.ts and concurrency.ts are usable from every layer because they import nothing from src/.',
      from: { path: LEAVES },
      to: { path: '^src/' },
    },
    {
      name: 'commands-only-from-cli',
      severity: 'error',
      comment: 'Only the CLI program (src/cli-program.ts) imports src/commands/ (a command module is not a library; move what is shared out of it).',
      from: { pathNot: '^src/(cli-program[.]ts$|commands/)' },
      to: { path: '^src/commands/' },
    },
    {
      name: 'suites-only-scenario-api',
      severity: 'error',
      comment: 'A scenario uses src/scenario-api.ts and nothing else from src/.',
      from: { path: '^suites/' },
      to: { path: '^src/', pathNot: '^src/scenario-api[.]ts$' },
    },
    {
      name: 'suites-not-each-other',
      severity: 'error',
      comment: 'Scenarios do not import each other; only suites/index.ts lists them.',
      from: { path: '^suites/', pathNot: '^suites/index[.]ts$' },
      to: { path: '^suites/' },
    },
    {
      name: 'suites-through-their-index',
      severity: 'error',
      comment: 'Outside suites/, the scenarios are reached through suites/index.ts.',
      from: { pathNot: '^suites/' },
      to: { path: '^suites/', pathNot: '^suites/index[.]ts$' },
    },
    {
      name: 'reference-is-independent',
      severity: 'error',
      comment: 'src/reference/ is an independent oracle: from src/ it uses only itself, src/io/ and src/exit-codes.ts.',
      from: { path: '^src/reference/' },
      to: { path: '^src/', pathNot: '^src/(reference/|io/|exit-codes[.]ts$)' },
    },
    {
      name: 'judging-code-not-to-reference',
      severity: 'error',
      comment: 'What judges an implementation never looks inside the oracle: the reference is reached only as a target (run, commands, entry points).',
      from: { path: [CONTRACT, TRANSPORT, '^src/(secrets|checks|engine|explore|reporters)/', '^src/scenario(-api)?[.]ts$', '^suites/'] },
      to: { path: '^src/reference/' },
    },
    {
      name: 'undici-only-in-transport',
      severity: 'error',
      comment: 'HTTP goes through src/transport/; bench/ measures undici itself and is exempt.',
      from: { path: '^(src|suites)/', pathNot: UNDICI_USERS },
      to: { path: '(^|/)node_modules/undici/' },
    },
    {
      name: 'contract-above-transport-only',
      severity: 'error',
      comment: 'src/contract/ (what the API is) imports nothing else from src/ but the request model of src/transport/.',
      from: { path: CONTRACT },
      to: { path: '^src/', pathNot: [CONTRACT, TRANSPORT] },
    },
    {
      name: 'transport-is-the-bottom',
      severity: 'error',
      comment: 'src/transport/ imports nothing from src/ but itself.',
      from: { path: TRANSPORT },
      to: { path: '^src/', pathNot: TRANSPORT },
    },
    {
      name: 'secrets-above-contract-and-transport-only',
      severity: 'error',
      comment: 'src/secrets/ imports only src/contract/, src/transport/ and itself.',
      from: { path: '^src/secrets/' },
      to: { path: '^src/', pathNot: [CONTRACT, TRANSPORT, '^src/secrets/'] },
    },
    {
      name: 'checks-below-engine',
      severity: 'error',
      comment: 'src/checks/ judges one exchange: it uses contract, transport, secrets and the root leaves, nothing above them.',
      from: { path: '^src/checks/' },
      to: { path: '^src/', pathNot: [CONTRACT, TRANSPORT, '^src/(secrets|checks)/', LEAVES] },
    },
    {
      name: 'engine-below-scenarios',
      severity: 'error',
      comment: 'src/engine/ (and src/scenario.ts, its types) use the layers below, never scenario-api, suites, run, record, reporters or commands.',
      from: { path: ['^src/engine/', '^src/scenario[.]ts$'] },
      to: { path: '^src/', pathNot: [CONTRACT, TRANSPORT, '^src/(secrets|checks|engine)/', '^src/scenario[.]ts$', LEAVES] },
    },
    {
      name: 'scenario-api-below-run-and-recording',
      severity: 'error',
      comment: 'src/scenario-api.ts exposes the engine to the scenarios; it imports nothing from run, recording, tools, explore, reporters or commands.',
      from: { path: '^src/scenario-api[.]ts$' },
      to: { path: '^src/(run|recording|tools|explore|reporters|commands)/' },
    },
    {
      name: 'explore-below-run-and-recording',
      severity: 'error',
      comment: 'src/explore/ (generated histories and their judge) uses the engine and what is below it, not the runner, recording, tools or the scenarios.',
      from: { path: '^src/explore/' },
      to: { path: ['^src/(run|recording|tools|reporters|commands)/', '^src/scenario-api[.]ts$', '^suites/'] },
    },
    {
      name: 'recording-below-run-and-tools',
      severity: 'error',
      comment: 'src/recording/ (Polly behind the transport) is used by run and the tools; it imports neither (what both need belongs lower down).',
      from: { path: '^src/recording/' },
      to: { path: '^src/(run|tools|explore|commands)/' },
    },
    {
      name: 'tools-not-to-run',
      severity: 'error',
      comment: 'src/tools/ (check, replay, proxy, replay server, nock export) are built on recording, engine and checks, not on the runner.',
      from: { path: '^src/tools/' },
      to: { path: '^src/(run|commands)/' },
    },
    {
      name: 'reporters-only-verdict-and-io',
      severity: 'error',
      comment: 'A reporter renders a finished report: it uses the root leaves (src/verdict.ts above all), src/io/, the contract (header names), the explore report\'s types and itself, no run or recording internals.',
      from: { path: '^src/reporters/' },
      to: { path: '^src/', pathNot: ['^src/(reporters|io)/', '^src/explore/report[.]ts$', CONTRACT, LEAVES] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Only the project's own TypeScript (dist/ holds the compiled copies). Not node_modules: the npm edges
    // are needed (undici, devDependencies); doNotFollow keeps the cruise out of their insides.
    exclude: { path: '^(dist|coverage|reports|recordings|[.]stryker-tmp)/' },
    moduleSystems: ['es6', 'cjs'],
    // Type-only imports are edges too (a layer is broken by a type as much as by a value).
    tsPreCompilationDeps: true,
    // Compiler options (module resolution, paths) come from the project's tsconfig.
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      // NodeNext: an import of './x.js' names the file ./x.ts. dependency-cruiser resolves that itself (a .js
      // that does not exist is looked for as .ts); enhanced-resolve here takes no extensionAlias option.
      extensions: ['.ts', '.d.ts', '.js', '.cjs', '.mjs', '.json'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
    reporterOptions: {
      archi: { collapsePattern: '^(src/[^/]+|suites|bench)|node_modules/(?:@[^/]+/[^/]+|[^/]+)' },
    },
  },
};
