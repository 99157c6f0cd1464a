// What a journey version does, as read from its code: the nodes a diagram draws.

/** One thing `run` does, in source order. Branches and loops hold the nodes of their bodies. */
export type FlowNode =
  | { kind: 'step'; name: string }
  | { kind: 'wait'; label: string }
  | { kind: 'send'; stepId: string; channel: string; template: string; label: string }
  | { kind: 'action'; label: string }
  | { kind: 'exit'; outcome: string; reason: string }
  | { kind: 'end'; label: string }
  | { kind: 'branch'; condition: string; paths: FlowPath[] }
  | { kind: 'loop'; label: string; body: FlowNode[] };

/** One way through a branch: `label` names it on the edge (`yes`, `no`, a switch case). */
export interface FlowPath {
  label: string;
  nodes: FlowNode[];
}

/** A signal that ends a run from any step: the goal (converted) or an exit route. */
export interface FlowEnding {
  signal: string;
  outcome: string;
  reason?: string;
  /** Only events for which this holds end the run (an exit route's `when`, as written). */
  when?: string;
}

export interface JourneyFlow {
  journey: string;
  version: number;
  /** The file the flow was read from (relative to the repository when inside it). */
  source: string;
  trigger: string;
  /** The eligibility filter's conditions, checked at entry; empty when the journey has no filter. */
  eligibility: boolean;
  nodes: FlowNode[];
  endings: FlowEnding[];
}
