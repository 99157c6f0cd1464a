import { identityResolved, orderCompleted, segmentEntered } from '../../signals';
import { defineJourney, isAnonymousCustomerId, on } from '../../sdk';
import { emailReachableV1, windowShoppersV1 } from '../../segments';

/** Only visitors this engaged (segments/score.ts) are worth a message. */
export const MIN_ENGAGEMENT_SCORE = 20;
/** How long an anonymous visitor has to log in or give their email. */
export const IDENTIFY_WINDOW = '3 days';
/** How long a known customer has to become reachable by email (grant consent). */
export const REACHABLE_WINDOW = '3 days';
/** After the email, orders still count as converted for this long. */
export const ATTRIBUTION_WINDOW = '3 days';

const WINDOW_SHOPPERS = windowShoppersV1.name;
const EMAIL_REACHABLE = emailReachableV1.name;

/** The product of the view that moved the visitor into the segment (segment.entered carries its event). */
interface ViewedProduct {
  productId?: string;
  name?: string;
  url?: string;
}

export const browseAbandonmentV1 = defineJourney({
  name: 'browse-abandonment',
  version: 1,
  description:
    'A visitor, anonymous or known, keeps looking at products (window-shoppers: 3 views in 7 days) and is engaged ' +
    'enough (score 20+): an in-app nudge at once; once they are identified and reachable by email (they log in, ' +
    'or grant consent), an email. Any order ends it.',
  reason: 'you were looking at this on our site',
  priority: 30, // arbitration: the lightest nudge: yields to a cart reminder and to service messages
  trigger: { signal: segmentEntered, key: (entered) => entered.segment, when: (e) => e.segment === WINDOW_SHOPPERS },
  // A customer has one browse run at a time (keyed by the segment): any order and every segment change of theirs goes
  // straight to it, without a visibility search.
  goal: on(orderCompleted, () => WINDOW_SHOPPERS),
  listensTo: [on(segmentEntered, () => WINDOW_SHOPPERS)],
  entry: { reentry: { cooldown: '14 days' } },
  eligibility: () => ({ 'score.value': { $gte: MIN_ENGAGEMENT_SCORE } }),

  async run(j, entered) {
    const product = (entered.data.cause?.data ?? {}) as ViewedProduct;

    j.step('nudge');
    await j.web('browse-nudge', { product }, { topic: 'offers' });

    if (isAnonymousCustomerId(j.customerId)) {
      j.step('wait-for-identity');
      if (!(await j.waitFor(identityResolved, IDENTIFY_WINDOW))) j.exit('the visitor did not identify');
    }

    const enteredReachable = () => j.received(segmentEntered).some((e) => e.data.segment === EMAIL_REACHABLE);
    const reachable = (await j.profile())?.segments.includes(EMAIL_REACHABLE) || enteredReachable();
    if (!reachable) {
      j.step('wait-for-email-reachable');
      const came = await j.waitFor(segmentEntered, REACHABLE_WINDOW, { where: (e) => e.segment === EMAIL_REACHABLE });
      if (!came) j.exit('not reachable by email');
    }

    j.step('email');
    await j.email('browse-reminder', { product }, { topic: 'offers' });

    j.step('attribution-window');
    await j.sleep(ATTRIBUTION_WINDOW);
  },
});
