/** FNV-1a, 32 bit: a stable hash that is the same in every process and on every replay. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** The bucket of a run in a split, in [0, 1): depends only on the workflow id and the split's name. */
export function splitBucket(workflowId: string, splitName: string): number {
  return fnv1a32(`${workflowId}\u0000${splitName}`) / 0x1_0000_0000;
}

/** Picks an arm by cumulative weight, in the order the weights are written. Weights need not sum to 1. */
export function pickArm<A extends string>(weights: Readonly<Record<A, number>>, bucket: number): A {
  const arms = Object.entries(weights) as Array<[A, number]>;
  if (arms.length === 0) throw new TypeError('a split needs at least one arm');
  for (const [arm, weight] of arms) {
    if (!Number.isFinite(weight) || weight < 0) throw new TypeError(`split arm '${arm}' has an invalid weight`);
  }
  const total = arms.reduce((sum, [, weight]) => sum + weight, 0);
  if (total <= 0) throw new TypeError('a split needs a positive total weight');
  let edge = 0;
  for (const [arm, weight] of arms) {
    edge += weight / total;
    if (bucket < edge) return arm;
  }
  return arms[arms.length - 1][0];
}

/** The arm a run gets in a split: deterministic for the same workflow id, split name and weights. */
export function assignArm<A extends string>(
  workflowId: string,
  splitName: string,
  weights: Readonly<Record<A, number>>,
): A {
  return pickArm(weights, splitBucket(workflowId, splitName));
}
