// The server's URL, baked into the bundle at build time (the template validates it with
// t3-env's `z.url()`; a plain check does the same here).
const serverUrl = import.meta.env.VITE_SERVER_URL;
if (!serverUrl || !URL.canParse(serverUrl)) {
  throw new Error(`VITE_SERVER_URL must be a URL (got ${JSON.stringify(serverUrl)})`);
}

/** The server's URL without a trailing slash, e.g. `http://localhost:3000`. */
export const SERVER_URL: string = serverUrl.replace(/\/$/, "");
