import { cartUpdated, messageEngaged, orderCompleted, productViewed } from '../signals';
import { defineScoreModel, scoreOn } from './score-model';

/**
 * The business's engagement score: recent, frequent, spending, engaging, browsing customers score high. One model per
 * deployment; a change of weights is a new version (every profile starts afresh at its next event).
 */
export const engagementScore = defineScoreModel({
  name: 'engagement',
  version: 1,
  description: 'Recency, frequency, order value, message engagement and visit depth, fading with a 30-day half-life.',
  weights: { recency: 10, frequency: 2, monetary: 0.05, engagement: 4, visitDepth: 1.5 },
  halfLifeDays: 30,
  recencyHalfLifeDays: 7,
  contributions: [
    scoreOn(productViewed, () => ({ visitDepth: 1, frequency: 1 })),
    scoreOn(cartUpdated, (cart) => ({ visitDepth: 2, frequency: 1, monetary: cart.total * 0.1 })),
    scoreOn(orderCompleted, (order) => ({ frequency: 3, monetary: order.total })),
    scoreOn(messageEngaged, (engaged) => ({ engagement: engaged.action === 'clicked' ? 3 : 1 })),
  ],
});
