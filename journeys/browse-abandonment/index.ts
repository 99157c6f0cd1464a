// The browse-abandonment folder for the catalog. Every function exported here is a workflow type of the bundle.
import { defineJourneyFolder } from '../journey-folder';
import { templates } from './templates';
import { browseAbandonmentV1 } from './v1';

export { browseAbandonmentV1 };

export const browseAbandonment = defineJourneyFolder({
  name: 'browse-abandonment',
  versions: [browseAbandonmentV1],
  templates,
});
