// What one journey folder (journeys/<name>/index.ts) gives the catalog, and the catalog built from the folders.
// Not workflow types: journeys/index.ts imports these helpers and never re-exports them.
import type { AudienceDefinition } from '../sdk/contracts/audience';
import type { JourneyWorkflow } from '../sdk/define-journey';
import type { JourneyTemplates } from './template-types';

export interface JourneyFolder {
  /** The journey's name: every version's, and the key its templates are found under. */
  readonly name: string;
  /** Every registered version (the worker keeps registering a version while it has open runs). */
  readonly versions: readonly JourneyWorkflow[];
  /** Date-based audiences that start the journey: each gets a daily scan and its date field's index. */
  readonly audiences?: readonly AudienceDefinition[];
  /** The templates the versions send, by template name. */
  readonly templates: JourneyTemplates;
}

/** Everything the worker, the router and the send path read about journeys. */
export interface JourneyCatalog {
  readonly journeys: readonly JourneyWorkflow[];
  readonly audiences: readonly AudienceDefinition[];
  /** Journey name → its templates. */
  readonly templates: Readonly<Record<string, JourneyTemplates>>;
}

/** Checks a folder once, where it is defined: one name throughout, and each audience emits a trigger of it. */
export function defineJourneyFolder(folder: JourneyFolder): JourneyFolder {
  if (folder.versions.length === 0) throw new TypeError(`journey folder ${folder.name}: no versions`);
  for (const { journey } of folder.versions) {
    if (journey.name !== folder.name) {
      throw new TypeError(`journey folder ${folder.name}: version ${journey.version} is named ${journey.name}`);
    }
  }
  const triggers = new Set(folder.versions.map((w) => w.journey.trigger.signal.name));
  for (const audience of folder.audiences ?? []) {
    if (!triggers.has(audience.signal)) {
      throw new TypeError(
        `journey folder ${folder.name}: audience ${audience.name} emits ${audience.signal}, ` +
          `which no version is triggered by (${[...triggers].join(', ')})`,
      );
    }
  }
  return Object.freeze({ ...folder });
}

/** The catalog of a list of folders, in their order. */
export function catalogOf(folders: readonly JourneyFolder[]): JourneyCatalog {
  const names = folders.map((f) => f.name);
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice) throw new TypeError(`journey ${twice} is in the catalog twice`);
  return {
    journeys: folders.flatMap((f) => f.versions),
    audiences: folders.flatMap((f) => f.audiences ?? []),
    templates: Object.fromEntries(folders.map((f) => [f.name, f.templates])),
  };
}
