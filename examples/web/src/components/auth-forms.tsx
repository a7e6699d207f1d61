import { useState } from "react";
import type { FormEvent } from "react";

import { authClient } from "../lib/auth-client";

// The template's SignUpForm / SignInForm: better-auth's email endpoints; the error shown
// is the server's message (the template puts it in a toast). On success the session atom
// refetches get-session and App shows the dashboard.
export default function AuthForms() {
  const [mode, setMode] = useState<"sign-up" | "sign-in">("sign-up");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email"));
    const password = String(form.get("password"));
    setBusy(true);
    setError(null);
    const { error } =
      mode === "sign-up"
        ? await authClient.signUp.email({ email, password, name: String(form.get("name")) })
        : await authClient.signIn.email({ email, password });
    setBusy(false);
    if (error) setError(error.message || error.statusText);
  }

  function switchTo(next: typeof mode) {
    setMode(next);
    setError(null);
  }

  return (
    <section>
      <h1>{mode === "sign-up" ? "Create Account" : "Welcome Back"}</h1>
      <form onSubmit={submit} key={mode}>
        {mode === "sign-up" && (
          <label>
            Name <input id="name" name="name" autoComplete="name" required minLength={2} />
          </label>
        )}
        <label>
          Email <input id="email" name="email" type="email" autoComplete="email" required />
        </label>
        <label>
          Password <input
            id="password"
            name="password"
            type="password"
            autoComplete={mode === "sign-up" ? "new-password" : "current-password"}
            required
            minLength={8}
          />
        </label>
        <button type="submit" disabled={busy}>
          {mode === "sign-up" ? "Sign Up" : "Sign In"}
        </button>
      </form>
      {error && (
        <p role="alert" data-testid="auth-error">
          {error}
        </p>
      )}
      {mode === "sign-up" ? (
        <button type="button" className="link" onClick={() => switchTo("sign-in")}>
          Already have an account? Sign In
        </button>
      ) : (
        <button type="button" className="link" onClick={() => switchTo("sign-up")}>
          Need an account? Sign Up
        </button>
      )}
    </section>
  );
}
