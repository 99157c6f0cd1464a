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
