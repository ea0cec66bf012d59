/** `jia-trial serve`: starts the server, waits for SIGTERM or SIGINT, then stops cleanly. */
import { startServer } from '@jia-trial/server';
import { storeOptionsFromEnv } from '@jia-trial/store';
import { demoBundle } from '../report/report-command.js';
import type { ServeIo } from './register-serve-command.js';

export interface ServeOptions {
  readonly port: number;
  readonly host: string;
  readonly secureCookies: boolean;
  readonly trustProxy: readonly string[] | undefined;
  readonly demo: boolean;
}

/** The demo study's id on a first run, and the protocol it runs under. */
const DEMO_STUDY = { studyId: 'msc-jia-demo', protocolId: 'msc-jia' };

export async function runServe(io: ServeIo, options: ServeOptions): Promise<void> {
  const server = await startServer({
    store: storeOptionsFromEnv(io.env),
    host: options.host,
    port: options.port,
    secureCookies: options.secureCookies,
    ...(options.trustProxy?.length ? { trustProxy: [...options.trustProxy] } : {}),
    demo: options.demo ? { dir: demoBundle(), ...DEMO_STUDY } : null,
    note: io.note,
  });
  io.note(`jia-trial server on ${server.url} (API page: ${server.url}/api/docs); Ctrl-C stops it`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      io.note(`${signal}: finishing the requests in flight, then stopping`);
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      resolve();
    };
    const onTerm = () => stop('SIGTERM');
    const onInt = () => stop('SIGINT');
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
  });
  await server.close();
  io.note('stopped');
}
