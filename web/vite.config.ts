import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// The console is served by `bulwark serve` under a strict CSP (script-src 'self'): the build must emit
// only external scripts, so no inline runtime and no CDN imports.
export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/', import.meta.url)),
    emptyOutDir: true,
    // `assets/` would shadow the console's own /assets/:id route on the server's static handler.
    assetsDir: 'static',
    sourcemap: false,
    target: 'es2022',
    chunkSizeWarningLimit: 400,
  },
  server: {
    // `npm run dev:web` proxies the API to a local `bulwark serve`.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
