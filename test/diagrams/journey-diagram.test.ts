// Journey diagrams are read from the journeys' code (TypeScript compiler API): what they show, and that they follow
// the code when it changes.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { abandonedCartV1, journeyCatalog, renewalWindowV1 } from '../../journeys';
import type { FlowNode } from '../../diagrams/journey-flow';
import { journeyMermaid } from '../../diagrams/mermaid';
import { JourneySourceError, readJourneyFlow } from '../../diagrams/read-journey-flow';
import { diagramProbeV1 } from './fixtures/diagram-probe';

const FIXTURE = path.resolve(__dirname, 'fixtures/diagram-probe.ts');

/** The flow as short lines, depth-first: what a reader of the diagram sees, in order. */
function outline(nodes: readonly FlowNode[], depth = 0): string[] {
  const pad = '  '.repeat(depth);
  return nodes.flatMap((n): string[] => {
    switch (n.kind) {
      case 'step':
        return [`${pad}step ${n.name}`];
      case 'send':
        return [`${pad}send ${n.stepId}: ${n.label}`];
      case 'wait':
      case 'action':
        return [`${pad}${n.kind} ${n.label}`];
      case 'exit':
        return [`${pad}exit ${n.outcome}: ${n.reason}`];
      case 'end':
        return [`${pad}end ${n.label}`];
      case 'branch':
        return [
          `${pad}if ${n.condition}`,
          ...n.paths.flatMap((p) => [`${pad}- ${p.label}`, ...outline(p.nodes, depth + 1)]),
        ];
      case 'loop':
        return [`${pad}loop ${n.label}`, ...outline(n.body, depth + 1)];
    }
  });
}

test('abandoned-cart v1: steps, waits with their durations, sends with their step ids, the branch and the exit', () => {
  const flow = readJourneyFlow(abandonedCartV1);
  expect(flow).toMatchObject({
    journey: 'abandoned-cart',
    version: 1,
    source: 'journeys/abandoned-cart/v1.ts',
    trigger: 'cart.updated',
    eligibility: true,
    endings: [{ signal: 'order.completed', outcome: 'converted' }],
  });
  expect(outline(flow.nodes)).toEqual([
    'step cart-idle',
    'wait quiet for 1 hour: restarts on cart.updated',
    'if cart.items.length === 0',
    '- yes',
    '  exit exited: cart emptied',
    '- no',
    'step reminder',
    'send email:cart-reminder: email cart-reminder (topic offers)',
    'step wait-for-order',
    'wait sleep 24 hours',
    'step last-call',
    'send sms:cart-last-call: sms cart-last-call (topic offers)',
    'step attribution-window',
    'wait sleep 2 days',
  ]);
});

test('renewal-window v1: date waits with the constants written out, exits with their conditions', () => {
  const flow = readJourneyFlow(renewalWindowV1);
  expect(outline(flow.nodes)).toEqual(
    expect.arrayContaining([
      'action load profile',
      "if policy?.status !== 'active'",
      "  exit lost: policy ${policy?.status ?? 'no longer on the profile'}",
      'wait sleep until addDays(renewalDate(), -7)',
      'exit lost: renewal date passed without renewal',
    ]),
  );
  expect(flow.endings).toEqual([
    { signal: 'policy.renewed', outcome: 'converted' },
    {
      signal: 'policy.changed',
      outcome: 'lost',
      reason: 'policy ${change.status}',
      when: "change.status !== 'active'",
    },
  ]);
});

test('branches on a wait result, loops, switches on a split arm, helpers handed j, early returns', () => {
  const flow = readJourneyFlow(diagramProbeV1, FIXTURE);
  expect(outline(flow.nodes)).toEqual([
    'step welcome',
    'send email:welcome: email welcome (topic offers)',
    'wait wait for message.engaged where …, up to 1 day',
    'if !click',
    '- yes',
    '  step no-click',
    '  loop while i < 2',
    '    wait sleep 2 days',
    "    send email:welcome#2: email welcome (topic o'ffers)",
    '  end completed',
    '- no',
    'action split copy: short | long',
    'if arm',
    "- 'short'",
    '  send web:short-note: web short-note',
    '- default',
    '  step remind',
    '  send sms:remind: sms remind (topic offers)',
    'exit lost: done talking',
  ]);
  expect(flow.endings.map((e) => `${e.signal} ${e.when ?? ''} → ${e.outcome}: ${e.reason ?? ''}`)).toEqual([
    'order.completed  → converted: ',
    "consent.changed c.status === 'revoked' → exited: ${c.channel} consent revoked",
    "message.engaged m.action === 'seen' → lost: seen, not clicked",
  ]);
});

test('the diagram follows the code: a changed wait, a new send and a removed branch show up', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'waymark-diagram-'));
  const copy = path.join(dir, 'diagram-probe.ts');
  copyFileSync(FIXTURE, copy);
  const before = journeyMermaid(readJourneyFlow(diagramProbeV1, copy));

  const edited = readFileSync(copy, 'utf8')
    .replace("const NUDGE_GAP = '2 days';", "const NUDGE_GAP = '3 days';")
    .replace("j.step('welcome');", "j.step('welcome');\n    await j.sms('hello', {}, { topic: 'offers' });")
    .replace(/switch \(arm\) \{[\s\S]*?\n {4}\}\n/, "await j.web('short-note');\n");
  writeFileSync(copy, edited);
  const flow = readJourneyFlow(diagramProbeV1, copy);
  const after = journeyMermaid(flow);

  expect(after).not.toEqual(before);
  expect(before).toContain('sleep 2 days');
  expect(after).toContain('sleep 3 days');
  expect(after).not.toContain('sleep 2 days');
  expect(outline(flow.nodes).slice(0, 2)).toEqual(['step welcome', 'send sms:hello: sms hello (topic offers)']);
  expect(before).toContain('{"arm?"}');
  expect(after).not.toContain('arm?');
  expect(after).not.toContain('remind');
});

test('a file without that journey version is a clear error', () => {
  expect(() => readJourneyFlow(abandonedCartV1, FIXTURE)).toThrow(JourneySourceError);
  expect(() => readJourneyFlow(abandonedCartV1, FIXTURE)).toThrow(
    /has no defineJourney\(\{ name: 'abandoned-cart', version: 1/,
  );
  expect(() => readJourneyFlow(abandonedCartV1, '/nonexistent/v1.ts')).toThrow(/is not at \/nonexistent\/v1.ts/);
});

describe('Mermaid text', () => {
  test('every catalog version: trigger, eligibility, each step as a node, sends, the endings from any step', () => {
    for (const workflow of journeyCatalog) {
      const flow = readJourneyFlow(workflow);
      const text = journeyMermaid(flow);
      expect(text.startsWith('flowchart TD\n')).toBe(true);
      expect(text).toContain(`start(["${workflow.journey.trigger.signal.name} starts a run"])`);
      const steps = outline(flow.nodes).filter((l) => l.trim().startsWith('step '));
      expect(steps.length).toBeGreaterThan(0);
      for (const step of steps) expect(text).toMatch(new RegExp(`n\\d+\\["${step.trim().slice(5)}"\\]:::step`));
      if (workflow.journey.goal) expect(text).toContain(`${workflow.journey.goal.signal.name} → converted`);
    }
  });

  test('counts are drawn under their step and send; quotes and angle brackets are escaped', () => {
    const text = journeyMermaid(readJourneyFlow(diagramProbeV1, FIXTURE), {
      welcome: { entered: 120, 'in progress': 4 },
      'email:welcome': { sent: 97, blocked: 3 },
    });
    expect(text).toContain('["welcome<br/><small>entered 120 · in progress 4</small>"]:::step');
    expect(text).toContain('[/"email welcome (topic offers)<br/><small>sent 97 · blocked 3</small>"/]:::send');
    expect(text).toContain('{{"while i #lt; 2"}}');
    expect(text).not.toMatch(/\["[^"\]]*"[^\]]*"\]/); // no raw double quote inside a label
  });
});
