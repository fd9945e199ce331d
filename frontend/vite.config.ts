/// <reference types="vitest/config" />
import { defineConfig } from 'vite';

// The Wails asset server serves frontend/dist; relative asset paths keep the
// build loadable both from Wails and from a plain static file server (e2e tests).
export default defineConfig({
  base: './',
  // The catalogs live in ../locales (the Go side embeds them too).
  server: { fs: { allow: ['..'] } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
  // Unit tests only; e2e/ holds node:test browser tests run by `npm run test:e2e`.
  test: {
    include: ['src/**/*.test.ts'],
  },
});
