// The journey catalog: one entry per journey folder. A folder's index.ts (journeys/<name>/index.ts) gives its versions,
// its date audiences and its templates; adding a journey is its folder plus its three lines here.
// workflows/index.ts re-exports this file into the bundle, where every exported function becomes a workflow type: a
// folder exports its versions under journeyWorkflowType(name, version), and helpers live in their own files.
import { catalogOf, type JourneyCatalog } from './journey-folder';
import { abandonedCart } from './abandoned-cart';
import { browseAbandonment } from './browse-abandonment';
import { dependentTurning26 } from './dependent-turning-26';
import { renewalWindow } from './renewal-window';

export * from './abandoned-cart';
export * from './browse-abandonment';
export * from './dependent-turning-26';
export * from './renewal-window';

export const catalog: JourneyCatalog = catalogOf([abandonedCart, renewalWindow, dependentTurning26, browseAbandonment]);

/** Every registered journey version (the worker keeps registering a version while it has open runs). */
export const journeyCatalog = catalog.journeys;

/** Every date-based audience: each gets a daily scan (worker/schedules.ts) that signal-with-starts its journey. */
export const audienceCatalog = catalog.audiences;
