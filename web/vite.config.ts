import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

// Resolve paths from this file so the build works from the repository root (`vite build --config web/vite.config.ts`).
const webRoot = new URL('.', import.meta.url).pathname

export default defineConfig({
  root: webRoot,
  // The server mounts the built console under /console/.
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: `${webRoot}dist`,
    emptyOutDir: true,
    chunkSizeWarningLimit: 1000,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': 'http://localhost:3000',
    },
  },
})
