/** Import rules: no cycles, and layers depend one way (orm -> dsl -> core). */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'core-imports-no-upper-layer',
      comment: 'src/core is the bottom layer: it may not import dsl, orm or cli.',
      severity: 'error',
      from: { path: '^src/core' },
      to: { path: '^src/(dsl|orm|cli)' },
    },
    {
      name: 'dsl-imports-only-core',
      comment: 'src/dsl may use src/core, never orm or cli.',
      severity: 'error',
      from: { path: '^src/dsl' },
      to: { path: '^src/(orm|cli)' },
    },
    {
      name: 'orm-imports-no-cli',
      severity: 'error',
      from: { path: '^src/orm' },
      to: { path: '^src/cli' },
    },
    {
      name: 'leaf-modules-import-no-siblings',
      comment: 'errors.ts and types.ts are leaves: they import nothing from sibling modules.',
      severity: 'error',
      from: { path: '(^|/)(errors|types)\\.ts$' },
      to: { path: '^src/', pathNot: '(^|/)(errors|types)\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '(^|/)generated/.*\\.d\\.ts$' },
  },
};
