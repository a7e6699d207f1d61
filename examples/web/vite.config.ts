import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Like the template's apps/web: the dev server on :3001, the server's URL baked in at
// build time from VITE_SERVER_URL (environment or .env).
export default defineConfig({
  plugins: [react()],
  server: { port: 3001 },
  preview: { port: 3001 },
});
