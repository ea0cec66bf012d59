/** `jia-trial` from the sources, as its own process: for the tests that signal or kill it. */
import { main } from '../main.js';

process.exitCode = await main(process.argv.slice(2));
