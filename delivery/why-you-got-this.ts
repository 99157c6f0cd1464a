import type { DeliveryRequest } from '../sdk/contracts/journey-activities';

/**
 * The short line telling the customer why this message came: the journey in words and its trigger (the journey's
 * own `reason`), never ids, versions or step names.
 */
export function whyYouGotThis(request: Pick<DeliveryRequest, 'journey' | 'reason' | 'channel'>): string {
  const journey = request.journey.replace(/-/g, ' ');
  const noun = request.channel === 'email' ? 'email' : 'message';
  return request.reason
    ? `You are receiving this ${noun} from our ${journey} messages because ${request.reason}.`
    : `You are receiving this ${noun} from our ${journey} messages.`;
}

/** The page that explains a message: which journey sent it and why, and how to stop it (api/routes/unsubscribe.ts). */
export function whyUrl(publicUrl: string, unsubscribeToken: string, journey: string): string {
  const query = new URLSearchParams({ token: unsubscribeToken, journey });
  return `${publicUrl.replace(/\/$/, '')}/v1/why?${query.toString()}`;
}
