import { createWriteStream, type WriteStream } from 'node:fs';
import pino, { type Logger } from 'pino';

/**
 * Console + per-run log file. Console lines are short and human; the file gets every line,
 * including the workers' (forwarded by the CLI). Nothing here ever logs credentials: config and
 * addresses only.
 */
export interface RunLog {
  logger: Logger;
  /** A raw line from a child process (worker, server): console (unless quiet) and file. */
  line(text: string): void;
  /** A line for the log file only (server chatter). */
  fileLine(text: string): void;
  /** Start writing to a file; lines logged before are flushed into it. */
  attachFile(path: string): void;
  /** While a progress bar owns the terminal, console output is routed through it. */
  setConsoleWriter(writer: ((text: string) => void) | undefined): void;
  /** Waits until everything written so far is on disk. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

const SECRET_PATTERN = /(AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|TEMPORAL_API_KEY|api[_-]?key|secret|password)(["'=:\s]+)([^\s"',]+)/gi;
export const redact = (text: string) => text.replace(SECRET_PATTERN, '$1$2***');

export function createRunLog(options: { quiet?: boolean; verbose?: boolean } = {}): RunLog {
  let file: WriteStream | undefined;
  const pending: string[] = [];
  let consoleWriter: ((text: string) => void) | undefined;
  const toFile = (text: string) => {
    const line = redact(text.endsWith('\n') ? text : text + '\n');
    if (file) file.write(line);
    else pending.push(line);
  };
  const toConsole = (text: string) => {
    if (options.quiet) return;
    if (consoleWriter) consoleWriter(text);
    else process.stderr.write(redact(text) + '\n');
  };
  const levels: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
  const stream = {
    write(json: string) {
      const record = JSON.parse(json) as { level: number; time: number; msg: string; [key: string]: unknown };
      const { level, time, msg, pid: _pid, hostname: _host, ...fields } = record;
      const extras = Object.entries(fields)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');
      const text = `${new Date(time).toISOString()} ${levels[level] ?? level} ${msg}${extras ? ' ' + extras : ''}`;
      toFile(text);
      if (level >= 40 || options.verbose || !consoleWriter)
        toConsole(`${levels[level] === 'INFO' ? '' : levels[level] + ' '}${msg}${extras ? ' ' + extras : ''}`);
    },
  };
  const logger = pino({ level: options.verbose ? 'debug' : 'info', base: undefined }, stream);
  return {
    logger,
    line(text) {
      toFile(`${new Date().toISOString()} ${text}`);
      if (options.verbose || /\b(WARN|ERROR|FATAL|panic)\b/i.test(text)) toConsole(text);
    },
    fileLine(text) {
      toFile(`${new Date().toISOString()} ${text}`);
      if (options.verbose) toConsole(text);
    },
    attachFile(path) {
      if (file) return;
      file = createWriteStream(path, { flags: 'a' });
      for (const line of pending.splice(0)) file.write(line);
    },
    setConsoleWriter(writer) {
      consoleWriter = writer;
    },
    flush() {
      return new Promise((resolve) => (file ? file.write('', () => resolve()) : resolve()));
    },
    close() {
      return new Promise((resolve) => (file ? file.end(resolve) : resolve()));
    },
  };
}
