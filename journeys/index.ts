// The journey catalog: every version of every journey. Export names equal journeyWorkflowType(name, version).
import type { JourneyWorkflow } from '../workflows/sdk/define-journey';
import { abandonedCartV1 } from './abandoned-cart/v1';
import { abandonedCartV2 } from './abandoned-cart/v2';
import { dependentTurning26V1 } from './dependent-turning-26/v1';
import { dependentTurning26V2 } from './dependent-turning-26/v2';
import { renewalWindowV1 } from './renewal-window/v1';

export { abandonedCartV1, abandonedCartV2, dependentTurning26V1, dependentTurning26V2, renewalWindowV1 };

/** Every registered journey version (the worker keeps registering a version while it has open runs). */
export const journeyCatalog: readonly JourneyWorkflow[] = [
  abandonedCartV1,
  abandonedCartV2,
  renewalWindowV1,
  dependentTurning26V1,
  dependentTurning26V2,
];
