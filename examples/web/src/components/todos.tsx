import { useCallback, useEffect, useState } from "react";
import type { FormEvent } from "react";

import { client } from "../utils/orpc";
import type { Todo } from "../utils/orpc";

// The template's todo example (/todos): list, add, toggle, delete; every change is
// followed by a refetch of the list, as the template's mutations do.
export default function Todos() {
  const [todos, setTodos] = useState<Todo[] | null>(null);
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);

  const refetch = useCallback(async () => {
    try {
      setTodos(await client.todo.getAll());
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);

  useEffect(() => {
    void refetch();
  }, [refetch]);

  async function run(change: () => Promise<unknown>) {
    try {
      await change();
    } catch (e) {
      setError((e as Error).message);
      return;
    }
    await refetch();
  }

  async function add(event: FormEvent) {
    event.preventDefault();
    if (!text.trim()) return;
    await run(() => client.todo.create({ text }));
    setText("");
  }

  return (
    <section>
      <h2>Todo List</h2>
      <form onSubmit={add}>
        <input
          aria-label="New todo"
          placeholder="Add a new task..."
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit">Add</button>
      </form>
      {error && (
        <p role="alert" data-testid="todo-error">
          Error: {error}
        </p>
      )}
      {todos === null ? (
        !error && <p>Loading todos…</p>
      ) : todos.length === 0 ? (
        <p>No todos yet. Add one above!</p>
      ) : (
        <ul data-testid="todos">
          {todos.map((todo) => (
            <li key={todo.id}>
              <label>
                <input
                  type="checkbox"
                  checked={todo.completed}
                  onChange={() => run(() => client.todo.toggle({ id: todo.id, completed: !todo.completed }))}
                />
                <span className={todo.completed ? "done" : undefined}>{todo.text}</span>
              </label>
              <button type="button" aria-label={`Delete ${todo.text}`} onClick={() => run(() => client.todo.delete({ id: todo.id }))}>
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
