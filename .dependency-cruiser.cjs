// `npm run check:cycles`: dependency-cruiser over engine/, server/, client/ and protocol/,
// with imports resolved as TypeScript resolves them (type-only imports included). It fails
// on any import cycle and on an import across the folder boundaries that eslint.config.mjs
// also states; this check sees resolved modules, so require(), import() and type-only
// imports cannot slip past it.
/** A project folder, as a path pattern. */
const folder = (name) => `^${name}/`;
/** A package, as a path pattern: resolved modules lie under some node_modules/. */
const pkg = (pattern) => `(^|/)node_modules/${pattern}(/|$)`;
const vscodeModules = ['^vscode$', pkg('(@types/)?vscode')];
const editorClientModules = pkg('vscode-languageclient');
const serverModules = pkg('vscode-languageserver[^/]*');

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles: move the shared types into a types file both sides import.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'engine-is-editor-free',
      severity: 'error',
      comment: 'engine/ imports npm libraries only: never server/, client/, protocol/ or vscode.',
      from: { path: folder('engine') },
      to: {
        path: [
          folder('server'),
          folder('client'),
          folder('protocol'),
          ...vscodeModules,
          editorClientModules,
          serverModules,
        ],
      },
    },
    {
      name: 'server-not-to-client',
      severity: 'error',
      comment: 'server/ never imports client/ or the editor.',
      from: { path: folder('server') },
      to: { path: [folder('client'), ...vscodeModules, editorClientModules] },
    },
    {
      name: 'client-through-protocol',
      severity: 'error',
      comment: 'client/ reaches the engine and the server only through protocol/.',
      from: { path: folder('client') },
      to: { path: [folder('engine'), folder('server')] },
    },
    {
      name: 'protocol-types-only',
      severity: 'error',
      comment:
        'protocol/ holds the protocol types only and imports no project folder, except two files with no imports that the client and the server share: the media extension list and the launch environment of the language server.',
      from: { path: folder('protocol') },
      to: {
        path: [folder('engine'), folder('server'), folder('client'), ...vscodeModules],
        pathNot: '^engine/(media/extensions|runtime/server-env)\\.ts$',
      },
    },
    {
      name: 'not-to-test',
      severity: 'error',
      comment: 'Production code never imports test/.',
      from: { path: '^(engine|server|client|protocol)/' },
      to: { path: folder('test') },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to nothing (vscode is provided by the editor).',
      from: {},
      to: { couldNotResolve: true, pathNot: '^vscode$' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    doNotFollow: { path: 'node_modules' },
    // Package subpaths (e.g. @modelcontextprotocol/sdk/server/index.js) through "exports".
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['types', 'import', 'require', 'node', 'default'],
    },
  },
};
