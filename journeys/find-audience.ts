import type { AudienceDefinition } from '../sdk/contracts/audience';
import { audienceCatalog } from './index';

/** An audience of the catalog by name; the error lists the known ones. */
export function findAudience(
  name: string,
  audiences: readonly AudienceDefinition[] = audienceCatalog,
): AudienceDefinition {
  const audience = audiences.find((a) => a.name === name);
  if (!audience) {
    const known = audiences.map((a) => a.name).join(', ');
    throw new Error(`unknown audience "${name}"; known audiences: ${known}`);
  }
  return audience;
}
