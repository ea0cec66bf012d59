// Test fixture: opens the embedded server of the data directory given as argument, prints
// "ready", and releases it when standard input ends (or never, if it is killed first).
import { openEmbeddedServer } from './embedded-server.js';

const server = await openEmbeddedServer(process.argv[2] as string);
process.stdout.write(`ready ${server.connection.port} ${JSON.stringify(server.notices)}\n`);
process.stdin.resume();
process.stdin.on('end', async () => {
  await server.release();
  process.stdout.write('released\n');
});
