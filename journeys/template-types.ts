// The shape of journey templates: liquid strings rendered by the send path (liquidjs) with the send's `data`.

export interface EmailTemplate {
  subject: string;
  html: string;
  text: string;
}

export interface SmsTemplate {
  body: string;
}

export interface WebTemplate {
  title: string;
  body: string;
  url?: string;
}

/** One template name's text per channel it is sent on. */
export interface TemplateChannels {
  email?: EmailTemplate;
  sms?: SmsTemplate;
  web?: WebTemplate;
}

/** A journey's templates by template name (the name `j.email(name, …)` uses). */
export type JourneyTemplates = Readonly<Record<string, TemplateChannels>>;
