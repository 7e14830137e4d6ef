// Layers point one way (docs: README "Architecture"). Each entry may import only itself and the
// entries after it; `npm test` runs this check (scripts/test.sh) before any test, with
// scripts/folderCycles.mjs: no two folders import each other, even inside one entry.
const LAYERS = [
  ['src/cli', 'src/temporal', 'activities', 'workflows'], // adapters: commands, Temporal
  ['src/pipeline'], // plan, stage, commit, abandon
  ['src/report', 'src/realism', 'src/trial', 'src/fidelity'], // readers of committed data (card, report, realism, fidelity against real people) and the paired trial
  ['src/storage', 'src/real'], // stores, layout, manifest, Parquet encoding; readers of real datasets
  ['src/dataset'], // windows, targets, labels, splits, Arrow schema
  ['src/simulation'], // scenario, controller, the minute loop
  ['src/cohort'], // patient profiles
  ['src/physiology'], // glucose–insulin ODE, sensor, wearables
  ['src/domain', 'src/config', 'src/util', 'src/version.ts'], // shared names and values
];
const pattern = (folders) => `^(${folders.map((f) => f.replace('.', '\\.')).join('|')})(/|$)`;

const upward = LAYERS.slice(1).map((layer, i) => ({
  name: `no-upward-import-from-${layer[0].replace('src/', '')}`,
  comment: `${layer.join(', ')} must not import a layer above it`,
  severity: 'error',
  from: { path: pattern(layer) },
  to: { path: pattern(LAYERS.slice(0, i + 1).flat()) },
}));

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'no import cycles', from: {}, to: { circular: true } },
    ...upward,
    {
      name: 'workflows-deterministic',
      comment: 'workflow code may not import Node built-ins or the activity/client/worker SDKs (type-only imports are fine)',
      severity: 'error',
      from: { path: '^workflows' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'workflows-no-runtime-sdk',
      severity: 'error',
      from: { path: '^workflows' },
      to: { path: '@temporalio/(activity|client|worker)', dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
