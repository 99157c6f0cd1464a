/**
 * One customer's profile upkeep at a time in this process: a score or behaviour update reads the profile, computes and
 * writes it back, so two of them for the same customer must not interleave. Other customers run in parallel.
 */
const lanes = new Map<string, Promise<unknown>>();

export function inCustomerLane<T>(customerId: string, work: () => Promise<T>): Promise<T> {
  const previous = lanes.get(customerId) ?? Promise.resolve();
  const next = previous.then(work, work);
  const settled = next.catch(() => undefined);
  lanes.set(customerId, settled);
  void settled.then(() => {
    if (lanes.get(customerId) === settled) lanes.delete(customerId);
  });
  return next;
}
