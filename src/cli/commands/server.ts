import type { Command } from 'commander';
import { embeddedPort, embeddedUiPort } from '../../temporal/connection.ts';
import { startDevServer } from '../../temporal/devServer.ts';
import { createRunLog } from '../../util/logger.ts';
import { EXIT } from '../failures.ts';

export function registerServer(program: Command): void {
  program
    .command('server')
    .description(`Run the embedded Temporal dev server alone on 127.0.0.1:${embeddedPort()} (Web UI ${embeddedUiPort()}), until Ctrl-C.`)
    .addHelpText('after', '\nExample:\n  npm run server   # then, elsewhere: npm run worker')
    .action(async () => {
      process.exitCode = await serverOnly();
    });
}

export async function serverOnly(): Promise<number> {
  const log = createRunLog({ verbose: true });
  const server = await startDevServer({ port: embeddedPort(), uiPort: embeddedUiPort() || undefined, onLine: (l) => log.fileLine(l) });
  log.logger.info(
    `Temporal dev server on ${server.address}${server.uiUrl ? `, Web UI ${server.uiUrl}` : ''}; state in .temporal/; Ctrl-C to stop`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
    server.process.once('exit', () => resolve());
  });
  await server.stop();
  return EXIT.ok;
}
