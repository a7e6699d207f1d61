import AuthForms from "./components/auth-forms";
import Dashboard from "./components/dashboard";
import Header from "./components/header";
import Todos from "./components/todos";
import { authClient } from "./lib/auth-client";

// One page instead of the template's routes: signed out it shows the sign-up / sign-in
// forms (the template's /login), signed in the dashboard and the todo list.
export default function App() {
  const { data: session, isPending } = authClient.useSession();

  return (
    <>
      <Header />
      <main>
        {isPending ? (
          <p>Loading…</p>
        ) : session ? (
          <>
            <Dashboard name={session.user.name} email={session.user.email} />
            <Todos />
          </>
        ) : (
          <AuthForms />
        )}
      </main>
    </>
  );
}
