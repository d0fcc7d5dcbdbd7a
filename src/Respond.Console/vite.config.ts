import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// The server (src/Respond.Server) serves the build from its wwwroot; `npm run dev` proxies the API to a local server.
export default defineConfig({
  plugins: [react()],
  build: { outDir: '../Respond.Server/wwwroot', emptyOutDir: true, sourcemap: false },
  server: { proxy: { '/api': 'http://127.0.0.1:5080' } },
  test: { environment: 'node', include: ['src/**/*.test.ts'] },
});
