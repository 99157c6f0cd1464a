import escapeHtml from 'escape-html';
import type { JourneyWorkflow } from '../../sdk/define-journey';

export interface JourneyPageInput {
  workflow: JourneyWorkflow;
  /** Every version of the journey, for the version links. */
  versions: number[];
  mermaid: string;
  /** Whether step counts were drawn in (an analytics source answered). */
  counted: boolean;
}

/**
 * The journey's diagram page: the Mermaid text in a <pre>, rendered in the browser by the Mermaid bundle the API
 * serves. `data-rendered` on <body> becomes `true` (or `error`) once Mermaid is done, for people and for tests.
 */
export function journeyPage({ workflow, versions, mermaid, counted }: JourneyPageInput): string {
  const { name, version, description } = workflow.journey;
  const links = versions
    .sort((a, b) => a - b)
    .map((v) => (v === version ? `<strong>v${v}</strong>` : `<a href="?version=${v}">v${v}</a>`))
    .join(' ');
  const countsNote = counted
    ? 'Counts under each step come from journey analytics.'
    : 'No step counts: this API has no analytics source.';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(name)} v${version} · Waymark</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 24px; color: #202124; }
  h1 { font-size: 22px; margin: 0 0 4px; }
  p { margin: 4px 0; max-width: 960px; }
  .meta { color: #5f6368; font-size: 13px; }
  #diagram { margin-top: 16px; }
</style>
</head>
<body data-rendered="false">
<h1>${escapeHtml(name)} v${version}</h1>
<p class="meta">Versions: ${links} · ${escapeHtml(workflow.workflowType)} · ${countsNote}</p>
<p>${escapeHtml(description)}</p>
<pre class="mermaid" id="diagram">${escapeHtml(mermaid)}</pre>
<p id="error" class="meta"></p>
<script src="/assets/mermaid.min.js"></script>
<script>
  mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', flowchart: { htmlLabels: true } });
  mermaid.run({ querySelector: '#diagram' }).then(
    function () { document.body.dataset.rendered = 'true'; },
    function (err) { document.getElementById('error').textContent = String(err); document.body.dataset.rendered = 'error'; }
  );
</script>
</body>
</html>
`;
}
