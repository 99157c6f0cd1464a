// The renewal-window folder for the catalog. Every function exported here is a workflow type of the bundle.
import { defineJourneyFolder } from '../journey-folder';
import { renewalWindowAudience } from './audience';
import { templates } from './templates';
import { renewalWindowV1 } from './v1';

export { renewalWindowV1, renewalWindowAudience };

export const renewalWindow = defineJourneyFolder({
  name: 'renewal-window',
  versions: [renewalWindowV1],
  audiences: [renewalWindowAudience],
  templates,
});
