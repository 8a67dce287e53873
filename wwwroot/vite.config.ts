import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run dev` proxies the API to a running `nextra serve` ($NEXTRA_DEV_API, default port 5000).
const api = process.env.NEXTRA_DEV_API ?? 'http://127.0.0.1:5000';

// The Host embeds dist/ and serves index.html for every non-API route (client-side routing).
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 8000,
    rollupOptions: {
      output: {
        manualChunks(id: string) {
          if (id.includes('node_modules/monaco-editor')) return 'monaco';
          if (id.includes('node_modules/@xyflow')) return 'xyflow';
          if (id.includes('node_modules/@microsoft/signalr')) return 'signalr';
          return undefined;
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': api,
      '/hubs': { target: api, ws: true },
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
} as never);
