// Templates for the send path (not workflow code): each journey folder's, collected by the catalog.
import { catalog } from './index';
import type { EmailTemplate, JourneyTemplates, SmsTemplate, WebTemplate } from './template-types';

export type * from './template-types';

/** Journey name → its templates. */
export const journeyTemplates: Readonly<Record<string, JourneyTemplates>> = catalog.templates;

interface ChannelTemplate {
  email: EmailTemplate;
  sms: SmsTemplate;
  web: WebTemplate;
}

/** A template's text for one channel, or undefined when the journey has none (in `templates`, default the catalog's). */
export function findTemplate<C extends keyof ChannelTemplate>(
  journey: string,
  template: string,
  channel: C,
  templates: Readonly<Record<string, JourneyTemplates>> = journeyTemplates,
): ChannelTemplate[C] | undefined {
  return templates[journey]?.[template]?.[channel] as ChannelTemplate[C] | undefined;
}
