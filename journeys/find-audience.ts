import type { AudienceDefinition } from '../sdk/contracts/audience';
import { audienceCatalog } from './index';

/** An audience of the catalog by name; the error lists the known ones. */
export function findAudience(name: string): AudienceDefinition {
  const audience = audienceCatalog.find((a) => a.name === name);
  if (!audience) {
    const known = audienceCatalog.map((a) => a.name).join(', ');
    throw new Error(`unknown audience "${name}"; known audiences: ${known}`);
  }
  return audience;
}
