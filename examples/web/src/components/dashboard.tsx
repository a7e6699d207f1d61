import { useEffect, useState } from "react";

import { client } from "../utils/orpc";

// The template's /dashboard: the name from the session, the message from the protected
// `privateData` procedure (which only answers with the session cookie).
export default function Dashboard({ name, email }: { name: string; email: string }) {
  const [privateData, setPrivateData] = useState<{ message: string; email: string } | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    client
      .privateData()
      .then(({ message, user }) => setPrivateData({ message, email: user.email }))
      .catch((e: Error) => setError(e.message));
  }, []);

  return (
    <section>
      <h1>Dashboard</h1>
      <p data-testid="welcome">Welcome {name}</p>
      <p data-testid="email">{email}</p>
      {privateData && (
        <p data-testid="private-data">
          API: {privateData.message} (for {privateData.email})
        </p>
      )}
      {error && (
        <p role="alert" data-testid="private-data-error">
          Error: {error}
        </p>
      )}
    </section>
  );
}
