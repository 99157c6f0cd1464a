import { Liquid } from 'liquidjs';
import {
  findTemplate,
  type EmailTemplate,
  type JourneyTemplates,
  type SmsTemplate,
  type WebTemplate,
} from '../journeys/templates';
import type { DeliveryChannel } from '../sdk/contracts/journey-activities';

// Missing variables render as empty (strictVariables off): a journey's data may legitimately lack optional fields.
const text = new Liquid({ strictVariables: false, strictFilters: true, cache: true });
const html = new Liquid({ strictVariables: false, strictFilters: true, cache: true, outputEscape: 'escape' });

export interface RenderedTemplates {
  email: EmailTemplate;
  sms: SmsTemplate;
  web: WebTemplate;
}

export class TemplateNotFoundError extends Error {}

/**
 * Renders a journey's template for one channel with the send's data (HTML parts escape their output); `templates`
 * default the catalog's.
 */
export async function renderTemplate<C extends DeliveryChannel>(
  journey: string,
  template: string,
  channel: C,
  data: Record<string, unknown>,
  templates?: Readonly<Record<string, JourneyTemplates>>,
): Promise<RenderedTemplates[C]> {
  const source = findTemplate(journey, template, channel, templates);
  if (!source) throw new TemplateNotFoundError(`journey ${journey} has no ${channel} template '${template}'`);
  if (channel === 'email') {
    const email = source as EmailTemplate;
    const [subject, htmlPart, textPart] = await Promise.all([
      text.parseAndRender(email.subject, data),
      html.parseAndRender(email.html, data),
      text.parseAndRender(email.text, data),
    ]);
    return { subject: subject.trim(), html: htmlPart, text: textPart } as RenderedTemplates[C];
  }
  if (channel === 'sms') {
    return { body: (await text.parseAndRender((source as SmsTemplate).body, data)).trim() } as RenderedTemplates[C];
  }
  const web = source as WebTemplate;
  const [title, body, url] = await Promise.all([
    text.parseAndRender(web.title, data),
    text.parseAndRender(web.body, data),
    web.url === undefined ? undefined : text.parseAndRender(web.url, data),
  ]);
  return { title: title.trim(), body, ...(url ? { url: url.trim() } : {}) } as RenderedTemplates[C];
}
