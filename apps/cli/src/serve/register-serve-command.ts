/** `jia-trial serve` (`npm start`): the trial server (docs/server.md). */
import { JiaError } from '@jia-trial/errors';
import type { Command } from 'commander';

// Loaded when the command runs, so that every other command starts without it (start-up time).
const commands = () => import('./serve-command.js');

export interface ServeIo {
  note(text: string): void;
  readonly env: NodeJS.ProcessEnv;
}

export function registerServeCommand(
  program: Command,
  io: ServeIo,
  run: (action: () => Promise<void>) => void,
): void {
  program
    .command('serve')
    .summary('start the trial server (HTTP API) on the database')
    .description(
      'Serves the API under /api/v1 (document: /api/v1/openapi.json, page: /api/docs) until SIGTERM ' +
        'or Ctrl-C, which finish the requests in flight first. On a first run with no account, it ' +
        'imports the synthetic demo study and creates the account "admin", whose one-time password ' +
        'it prints once. Database: DATABASE_URL (and JIA_OWNER_DATABASE_URL), else the embedded ' +
        'PostgreSQL on JIA_DATA_DIR (default ./data). docs/server.md.',
    )
    .option('--port <n>', 'TCP port (default: PORT, else 8080; 0: any free port)', (v) =>
      tcpPort('--port', v),
    )
    .option('--host <address>', 'address to listen on (0.0.0.0: every interface)', '127.0.0.1')
    .option(
      '--secure-cookies',
      'mark the session cookie Secure and send HSTS: set when clients reach the server over HTTPS',
    )
    .option(
      '--trust-proxy <addresses>',
      'trust X-Forwarded-For from these proxy addresses (comma-separated), for client addresses behind a reverse proxy',
    )
    .option('--no-demo', 'on a first run, create the administrator without the demo study')
    .action(
      (opts: {
        port?: number;
        host: string;
        secureCookies?: boolean;
        trustProxy?: string;
        demo: boolean;
      }) =>
        run(async () =>
          (await commands()).runServe(io, {
            port: opts.port ?? portFromEnv(io.env.PORT),
            host: opts.host,
            secureCookies: opts.secureCookies === true,
            trustProxy: opts.trustProxy
              ?.split(',')
              .map((a) => a.trim())
              .filter(Boolean),
            demo: opts.demo,
          }),
        ),
    );
}

function tcpPort(name: string, value: string): number {
  const port = Number(value);
  if (value.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65535)
    throw new JiaError(
      'USAGE_ERROR',
      `${name} must be a TCP port (0-65535), got ${JSON.stringify(value)}`,
    );
  return port;
}

function portFromEnv(value: string | undefined): number {
  return value === undefined || value === '' ? 8080 : tcpPort('PORT', value);
}
