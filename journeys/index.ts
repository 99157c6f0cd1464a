// The journey catalog: every version of every journey, and the date-based audiences that start them.
// Export names equal journeyWorkflowType(name, version): workflows/index.ts re-exports this file into the bundle,
// where every exported function becomes a workflow type, so helpers live in their own files (newest-versions.ts).
import type { AudienceDefinition } from '../sdk/contracts/audience';
import type { JourneyWorkflow } from '../sdk/define-journey';
import { abandonedCartV1 } from './abandoned-cart/v1';
import { abandonedCartV2 } from './abandoned-cart/v2';
import { abandonedCartV3 } from './abandoned-cart/v3';
import { browseAbandonmentV1 } from './browse-abandonment/v1';
import { dependentTurning26Audience } from './dependent-turning-26/audience';
import { dependentTurning26V1 } from './dependent-turning-26/v1';
import { dependentTurning26V2 } from './dependent-turning-26/v2';
import { renewalWindowAudience } from './renewal-window/audience';
import { renewalWindowV1 } from './renewal-window/v1';

export {
  abandonedCartV1,
  abandonedCartV2,
  abandonedCartV3,
  browseAbandonmentV1,
  dependentTurning26V1,
  dependentTurning26V2,
  renewalWindowV1,
};
export { dependentTurning26Audience, renewalWindowAudience };

/** Every registered journey version (the worker keeps registering a version while it has open runs). */
export const journeyCatalog: readonly JourneyWorkflow[] = [
  abandonedCartV1,
  abandonedCartV2,
  abandonedCartV3,
  renewalWindowV1,
  dependentTurning26V1,
  dependentTurning26V2,
  browseAbandonmentV1,
];

/** Every date-based audience: each gets a daily scan (worker/schedules.ts) that signal-with-starts its journey. */
export const audienceCatalog: readonly AudienceDefinition[] = [renewalWindowAudience, dependentTurning26Audience];
