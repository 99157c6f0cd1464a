import type { JourneyTemplates } from '../template-types';

// Data: `cart` = the cart.updated event's data { cartId, items[{ sku, name, qty, price }], total, currency, url }.
export const templates: JourneyTemplates = {
  'cart-reminder': {
    email: {
      subject: 'You left {{ cart.items | size }} item{% if cart.items.size != 1 %}s{% endif %} in your cart',
      html:
        '<p>Your cart is waiting for you:</p><ul>{% for item in cart.items %}<li>{{ item.qty }} × {{ item.name }} ' +
        '— {{ item.price }} {{ cart.currency }}</li>{% endfor %}</ul>' +
        '<p>Total: <strong>{{ cart.total }} {{ cart.currency }}</strong></p>' +
        '<p><a href="{{ cart.url }}">Return to your cart</a></p>',
      text:
        'Your cart is waiting for you:\n{% for item in cart.items %}- {{ item.qty }} x {{ item.name }} ' +
        '({{ item.price }} {{ cart.currency }})\n{% endfor %}Total: {{ cart.total }} {{ cart.currency }}\n' +
        'Return to your cart: {{ cart.url }}',
    },
  },
  'cart-web-nudge': {
    web: {
      title: 'Still thinking it over?',
      body: 'Your cart ({{ cart.items | size }} item{% if cart.items.size != 1 %}s{% endif %}, {{ cart.total }} {{ cart.currency }}) is saved for you.',
      url: '{{ cart.url }}',
    },
  },
  'cart-last-call': {
    sms: {
      body: 'Last call: your cart ({{ cart.total }} {{ cart.currency }}) is still waiting. {{ cart.url }}',
    },
  },
};
