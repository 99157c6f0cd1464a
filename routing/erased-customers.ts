import { Erasure } from '../models/erasure';

/** Whether the customer was erased and has not come back with a fresh consent (see models/erasure.ts). */
export async function isErased(customerId: string): Promise<boolean> {
  return (await Erasure.exists({ _id: customerId })) !== null;
}
