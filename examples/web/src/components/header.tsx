import { useEffect, useState } from "react";

import { authClient } from "../lib/auth-client";
import { client } from "../utils/orpc";

// The template's header: the API status (its home page calls healthCheck) and the user
// menu with a sign-out button.
export default function Header() {
  const { data: session } = authClient.useSession();
  const [status, setStatus] = useState("Checking...");

  useEffect(() => {
    client
      .healthCheck()
      .then((ok) => setStatus(ok ? "Connected" : "Disconnected"))
      .catch(() => setStatus("Disconnected"));
  }, []);

  return (
    <header>
      <strong>spinstack</strong>
      <span>
        API: <output data-testid="api-status">{status}</output>
      </span>
      {session && (
        <span className="user-menu">
          <span data-testid="user-menu">
            {session.user.name} &lt;{session.user.email}&gt;
          </span>
          <button type="button" onClick={() => authClient.signOut()}>
            Sign Out
          </button>
        </span>
      )}
    </header>
  );
}
