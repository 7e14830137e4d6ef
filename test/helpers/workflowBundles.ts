// The workflow bundled with small limits (test/helpers/smallLimits.ts in place of
// workflows/limits.ts), for tests and recorded histories that exercise continue-as-new.
import { bundleWorkflowCode } from '@temporalio/worker';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import webpack from 'webpack';
import { PROJECT_ROOT } from '../../src/temporal/devServer.ts';

let cached: Promise<string> | undefined;

/** Path of a workflow bundle whose limits are the small ones; built once per test process. */
export function smallLimitsBundlePath(): Promise<string> {
  cached ??= (async () => {
    const { code } = await bundleWorkflowCode({
      workflowsPath: join(PROJECT_ROOT, 'workflows/index.ts'),
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } as never,
      webpackConfigHook: (config) => {
        config.plugins = [
          ...(config.plugins ?? []),
          new webpack.NormalModuleReplacementPlugin(
            /[\\/]workflows[\\/]limits\.ts$|^\.\/limits\.ts$/,
            join(PROJECT_ROOT, 'test/helpers/smallLimits.ts'),
          ),
        ];
        return config;
      },
    });
    if (!code.includes('historyEventsBeforeContinue: 40')) throw new Error('the small limits were not bundled');
    const dir = join(PROJECT_ROOT, '.cache');
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
    const path = join(dir, `workflow-bundle-small-limits-${process.pid}.js`);
    writeFileSync(path, code);
    // One per test process, removed when it ends: they no longer pile up in .cache.
    process.once('exit', () => rmSync(path, { force: true }));
    return path;
  })();
  return cached;
}
