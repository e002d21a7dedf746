/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react'
import tailwindcss from '@tailwindcss/vite'
import { defineConfig } from 'vite'

// `npm run dev` serves the dashboard with hot reload and sends the platform's own paths to a
// running `./miaobu dev` (MIAOBU_DEV_API, default http://localhost:8080).
const platform = process.env.MIAOBU_DEV_API ?? 'http://localhost:8080'

export default defineConfig({
  plugins: [react(), tailwindcss()],
  server: {
    proxy: Object.fromEntries(['/api', '/oauth', '/hooks', '/webhooks'].map((p) => [p, platform])),
  },
  build: {
    outDir: 'dist',
    // The local host serves these from its jar; source maps would only make the jar bigger.
    sourcemap: false,
    chunkSizeWarningLimit: 400,
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test-setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    restoreMocks: true,
    unstubGlobals: true,
  },
})
