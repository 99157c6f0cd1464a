// Journey name → its templates, for the send path (not workflow code).
import { templates as abandonedCart } from './abandoned-cart/templates';
import { templates as browseAbandonment } from './browse-abandonment/templates';
import { templates as dependentTurning26 } from './dependent-turning-26/templates';
import { templates as renewalWindow } from './renewal-window/templates';
import type { EmailTemplate, JourneyTemplates, SmsTemplate, WebTemplate } from './template-types';

export type * from './template-types';

export const journeyTemplates: Readonly<Record<string, JourneyTemplates>> = {
  'abandoned-cart': abandonedCart,
  'renewal-window': renewalWindow,
  'dependent-turning-26': dependentTurning26,
  'browse-abandonment': browseAbandonment,
};

interface ChannelTemplate {
  email: EmailTemplate;
  sms: SmsTemplate;
  web: WebTemplate;
}

/** A template's text for one channel, or undefined when the journey has none. */
export function findTemplate<C extends keyof ChannelTemplate>(
  journey: string,
  template: string,
  channel: C,
): ChannelTemplate[C] | undefined {
  return journeyTemplates[journey]?.[template]?.[channel] as ChannelTemplate[C] | undefined;
}
