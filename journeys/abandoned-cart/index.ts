// The abandoned-cart folder for the catalog. Every function exported here is a workflow type of the bundle.
import { defineJourneyFolder } from '../journey-folder';
import { templates } from './templates';
import { abandonedCartV1 } from './v1';
import { abandonedCartV2 } from './v2';
import { abandonedCartV3 } from './v3';

export { abandonedCartV1, abandonedCartV2, abandonedCartV3 };

export const abandonedCart = defineJourneyFolder({
  name: 'abandoned-cart',
  versions: [abandonedCartV1, abandonedCartV2, abandonedCartV3],
  templates,
});
