#!/usr/bin/env node
// Entry point for the `jia-trial` bin. It loads the compiled CLI (`npm run build`, run by
// `npm ci` through the root `prepare` script) so that start-up pays no TypeScript cost.
import { main } from '../dist/main.js';

process.exitCode = await main(process.argv.slice(2));
