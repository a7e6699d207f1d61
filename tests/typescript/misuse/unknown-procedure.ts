// A procedure the Rust router does not have.
// expect: error TS2339: Property 'nope' does not exist
import { orpc } from "@/utils/orpc";

export const options = orpc.nope.queryOptions();
