export { type Access, accessOf } from './access.js';
export { API_PREFIX, buildServer, type ServerOptions } from './app.js';
export { type RunningServer, type StartOptions, startServer } from './serve.js';
