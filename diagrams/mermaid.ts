import type { FlowNode, JourneyFlow } from './journey-flow';

/**
 * Figures to show beside a step: keyed by the step's name (`j.step`) or a send's step id (`email:cart-reminder`),
 * each a set of named counts (`entered: 120`, `sent: 97`), e.g. from journey analytics.
 */
export type StepCounts = Record<string, Record<string, number>>;

interface Exit {
  id: string;
  label?: string;
}

/** A journey flow as a Mermaid flowchart (top-down), with counts under the steps they belong to when given. */
export function journeyMermaid(flow: JourneyFlow, counts: StepCounts = {}): string {
  return new MermaidWriter(counts).write(flow);
}

class MermaidWriter {
  private readonly lines: string[] = [];
  private next = 0;

  constructor(private readonly counts: StepCounts) {}

  write(flow: JourneyFlow): string {
    this.lines.push('flowchart TD');
    const start = this.node('start', `${flow.trigger} starts a run`, 'stadium', 'trigger');
    let entries: Exit[] = [{ id: start }];
    if (flow.eligibility) {
      const check = this.node('eligible', 'eligible?', 'diamond', 'branch');
      this.edges(entries, check);
      const ineligible = this.node('ineligible', 'ineligible', 'stadium', 'ending');
      this.edges([{ id: check, label: 'no' }], ineligible);
      entries = [{ id: check, label: 'yes' }];
    }
    const exits = this.walk(flow.nodes, entries);
    if (exits.length > 0) this.edges(exits, this.completed());
    if (flow.endings.length > 0) {
      this.lines.push('  subgraph anyStep["from any step"]');
      flow.endings.forEach((ending, i) => {
        const what = ending.reason ? `${ending.outcome}: ${ending.reason}` : ending.outcome;
        const when = ending.when ? ` when ${ending.when}` : '';
        this.node(`ending${i + 1}`, `${ending.signal}${when} → ${what}`, 'stadium', 'ending', '    ');
      });
      this.lines.push('  end');
    }
    this.lines.push(
      '  classDef trigger fill:#e8eaf6,stroke:#3949ab',
      '  classDef step fill:#e3f2fd,stroke:#1565c0,font-weight:bold',
      '  classDef send fill:#e8f5e9,stroke:#2e7d32',
      '  classDef wait fill:#fff8e1,stroke:#f9a825',
      '  classDef action fill:#f3e5f5,stroke:#6a1b9a',
      '  classDef branch fill:#fafafa,stroke:#616161',
      '  classDef ending fill:#ffebee,stroke:#c62828',
    );
    return `${this.lines.join('\n')}\n`;
  }

  private completedId: string | undefined;
  private completed(): string {
    this.completedId ??= this.node('done', 'completed', 'stadium', 'ending');
    return this.completedId;
  }

  private walk(nodes: readonly FlowNode[], entries: Exit[]): Exit[] {
    let current = entries;
    for (const node of nodes) current = this.walkOne(node, current);
    return current;
  }

  private walkOne(node: FlowNode, entries: Exit[]): Exit[] {
    switch (node.kind) {
      case 'step':
        return this.chain(entries, this.node(this.id(), node.name, 'box', 'step', '  ', this.countsOf(node.name)));
      case 'send':
        return this.chain(
          entries,
          this.node(this.id(), node.label, 'parallelogram', 'send', '  ', this.countsOf(node.stepId)),
        );
      case 'wait':
        return this.chain(entries, this.node(this.id(), node.label, 'rounded', 'wait'));
      case 'action':
        return this.chain(entries, this.node(this.id(), node.label, 'box', 'action'));
      case 'exit':
        this.edges(entries, this.node(this.id(), `${node.outcome}: ${node.reason}`, 'stadium', 'ending'));
        return [];
      case 'end':
        this.edges(
          entries,
          node.label === 'completed' ? this.completed() : this.node(this.id(), node.label, 'stadium', 'ending'),
        );
        return [];
      case 'branch': {
        const decision = this.node(this.id(), `${node.condition}?`, 'diamond', 'branch');
        this.edges(entries, decision);
        return node.paths.flatMap((p) => this.walk(p.nodes, [{ id: decision, label: p.label }]));
      }
      case 'loop': {
        const head = this.node(this.id(), node.label, 'hexagon', 'branch');
        this.edges(entries, head);
        const back = this.walk(node.body, [{ id: head, label: 'each' }]);
        for (const exit of back) this.lines.push(`  ${exit.id} -.-> ${head}`);
        return [{ id: head, label: 'done' }];
      }
    }
  }

  private chain(entries: Exit[], id: string): Exit[] {
    this.edges(entries, id);
    return [{ id }];
  }

  private edges(from: Exit[], to: string): void {
    for (const exit of from) {
      this.lines.push(
        exit.label ? `  ${exit.id} -->|${escape(exit.label).replace(/\|/g, '#124;')}| ${to}` : `  ${exit.id} --> ${to}`,
      );
    }
  }

  private id(): string {
    this.next += 1;
    return `n${this.next}`;
  }

  private countsOf(key: string): string | undefined {
    const figures = this.counts[key];
    if (!figures) return undefined;
    const parts = Object.entries(figures).map(([name, value]) => `${name} ${value}`);
    return parts.length ? parts.join(' · ') : undefined;
  }

  private node(
    id: string,
    label: string,
    shape: 'box' | 'rounded' | 'stadium' | 'diamond' | 'parallelogram' | 'hexagon',
    className: string,
    indent = '  ',
    note?: string,
  ): string {
    const text = `"${escape(label)}${note ? `<br/><small>${escape(note)}</small>` : ''}"`;
    const shaped = {
      box: `[${text}]`,
      rounded: `(${text})`,
      stadium: `([${text}])`,
      diamond: `{${text}}`,
      parallelogram: `[/${text}/]`,
      hexagon: `{{${text}}}`,
    }[shape];
    this.lines.push(`${indent}${id}${shaped}:::${className}`);
    return id;
  }
}

/** Mermaid entity codes for the characters that end or confuse a quoted label. */
function escape(text: string): string {
  return text.replace(/&/g, '#amp;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}
