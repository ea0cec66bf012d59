import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Built into dist/, which `jia-trial serve` serves at / (docs/web.md). Workspace packages
// resolve to their TypeScript sources, as in the tests: the browser scores with the very code
// the server runs.
export default defineConfig({
  plugins: [react()],
  resolve: { conditions: ['source'] },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, target: 'es2022' },
});
