// `privateData.user.createdAt` arrives as a Date (the RPC serializer's meta), not a string.
// expect: error TS2322: Type 'Date' is not assignable to type 'string'
import { client } from "@/utils/orpc";

export async function createdAt(): Promise<string> {
  const { user } = await client.privateData();
  const at: string = user.createdAt;
  return at;
}
