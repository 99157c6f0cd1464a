// The dependent-turning-26 folder for the catalog. Every function exported here is a workflow type of the bundle.
import { defineJourneyFolder } from '../journey-folder';
import { dependentTurning26Audience } from './audience';
import { templates } from './templates';
import { dependentTurning26V1 } from './v1';
import { dependentTurning26V2 } from './v2';

export { dependentTurning26V1, dependentTurning26V2, dependentTurning26Audience };

export const dependentTurning26 = defineJourneyFolder({
  name: 'dependent-turning-26',
  versions: [dependentTurning26V1, dependentTurning26V2],
  audiences: [dependentTurning26Audience],
  templates,
});
