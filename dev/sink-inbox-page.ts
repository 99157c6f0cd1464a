import escapeHtml from 'escape-html';
import type { SinkMail } from './smtp-sink';

// The dev inbox pages the SMTP sink serves: a list of kept mail and one mail's HTML.

const STYLE = `body{font:14px system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #ddd}th{background:#f4f4f4}.muted{color:#777}`;

export function renderInboxPage(newestFirst: SinkMail[]): string {
  const rows = newestFirst
    .map(
      (m) => `<tr><td class="muted">${escapeHtml(m.receivedAt)}</td><td>${escapeHtml(m.envelope.to.join(', '))}</td>
<td><a href="/messages/${m.id}/html">${escapeHtml(m.subject || '(no subject)')}</a></td>
<td class="muted">${escapeHtml(m.from)}</td><td><a href="/messages/${m.id}">json</a></td></tr>`,
    )
    .join('\n');
  const body = newestFirst.length
    ? `<table><tr><th>received</th><th>to</th><th>subject</th><th>from</th><th></th></tr>\n${rows}</table>`
    : '<p class="muted">No mail yet. Everything Waymark sends over SMTP lands here.</p>';
  return `<!doctype html><html><head><meta charset="utf-8"><title>Waymark dev inbox</title><style>${STYLE}</style></head>
<body><h1>Waymark dev inbox</h1><p class="muted">${newestFirst.length} message(s) ·
<a href="/messages">JSON</a></p>${body}</body></html>`;
}

/** The mail's own HTML as sent (it is the developer's own test mail), or its text part escaped. */
export function renderMessagePage(mail: SinkMail): string {
  if (mail.html) return mail.html;
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(mail.subject)}</title></head>
<body><pre>${escapeHtml(mail.text ?? '')}</pre></body></html>`;
}
