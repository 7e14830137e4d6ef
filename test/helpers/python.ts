import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/temporal/devServer.ts';

/** Runs the project's virtual environment's Python (created by scripts/ensure-venv.sh); resolves with its stdout. */
export function runPython(args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(PROJECT_ROOT, '.venv/bin/python'), args, {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`python ${args[0]} exited ${code}\n${err.slice(-3000)}`))));
  });
}
