// As the template's apps/web/src/lib/auth-client.ts: better-auth's React client on the
// server's URL (its basePath defaults to /api/auth). better-fetch sends credentials.
import { createAuthClient } from "better-auth/react";

import { SERVER_URL } from "../env";

export const authClient = createAuthClient({ baseURL: SERVER_URL });
