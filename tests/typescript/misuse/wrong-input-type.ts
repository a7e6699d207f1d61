// `todo.toggle`'s `id` is a number.
// expect: error TS2322: Type 'string' is not assignable to type 'number'
import { orpc } from "@/utils/orpc";

export const toggle = orpc.todo.toggle.call({ id: "1", completed: true });
