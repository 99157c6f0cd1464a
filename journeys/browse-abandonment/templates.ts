import type { JourneyTemplates } from '../template-types';

// Data: `product` = the viewed product { productId, name, url } from the product.viewed event behind segment.entered.
export const templates: JourneyTemplates = {
  'browse-nudge': {
    web: {
      title: '{% if product.name %}Still thinking about {{ product.name }}?{% else %}Still looking around?{% endif %}',
      body: 'It is still here, and we kept it for you.',
      url: '{{ product.url }}',
    },
  },
  'browse-reminder': {
    email: {
      subject:
        '{% if product.name %}{{ product.name }} is waiting for you{% else %}Found what you were looking for?{% endif %}',
      html:
        '<p>You came back to look at {% if product.name %}<strong>{{ product.name }}</strong>{% else %}a few things{% endif %} ' +
        'a few times.</p>{% if product.url %}<p><a href="{{ product.url }}">Have another look</a></p>{% endif %}',
      text:
        'You came back to look at {% if product.name %}{{ product.name }}{% else %}a few things{% endif %} a few times.' +
        '{% if product.url %}\nHave another look: {{ product.url }}{% endif %}',
    },
  },
};
