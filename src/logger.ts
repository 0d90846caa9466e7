import pino, { type DestinationStream, type Logger } from 'pino';

/*
 * The one logger of every process (server, worker, CLI, bot): pino, one JSON object per line on
 * stderr (stdout stays free for the CLI's answers), so a log system can index the fields. In
 * development it is pretty-printed when pino-pretty is installed (a development dependency).
 * LOG_LEVEL and LOG_FORMAT are read here, before the configuration loads: the configuration
 * validates them too.
 */

type Format = 'json' | 'pretty';
const env = process.env;
const level = env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'warn' : 'info');
// As in the configuration, an unset NODE_ENV is development.
const development = (env.NODE_ENV ?? 'development') === 'development';
const format: Format = env.LOG_FORMAT === 'json' || env.LOG_FORMAT === 'pretty' ? env.LOG_FORMAT : development ? 'pretty' : 'json';

const stderr = pino.destination({ dest: 2, sync: true });

function prettyStream(): DestinationStream | undefined {
  try {
    // Loaded only when wanted and present: production installs leave development dependencies out.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pretty = require('pino-pretty') as (opts: Record<string, unknown>) => DestinationStream;
    return pretty({ destination: 2, sync: true, colorize: Boolean(process.stderr.isTTY), translateTime: 'SYS:standard', ignore: 'pid,hostname,proc' });
  } catch {
    return undefined;
  }
}

const out = (format === 'pretty' && prettyStream()) || stderr;
let sink: ((line: string) => void) | undefined;

/** Never logged, whatever a caller passes: the fields that would carry a secret or a phone number. */
const REDACTED = ['password', 'token', 'phone', 'authorization', 'cookie'].flatMap((k) => [k, `*.${k}`]);

export const logger: Logger = pino(
  {
    level,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: [...REDACTED, 'headers.authorization', 'req.headers.authorization'], censor: '[redacted]' },
  },
  { write: (line: string) => (sink ? sink(line) : out.write(line)) },
);

/** Names the process in every line from now on (api, worker, cli). */
export function nameProcess(name: string): void {
  logger.setBindings({ proc: name });
}

/** Sends the log lines (JSON) to `write` instead of stderr, until called with nothing (tests read them). */
export function redirectLogs(write?: (line: string) => void): void {
  sink = write;
}
