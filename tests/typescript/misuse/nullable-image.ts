// `privateData.user.image` is `string | null`.
// expect: error TS2322: Type 'string | null' is not assignable to type 'string'
import { client } from "@/utils/orpc";

export async function image(): Promise<string> {
  const { user } = await client.privateData();
  const src: string = user.image;
  return src;
}
