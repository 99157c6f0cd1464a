import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import * as signals from '../signals';
import type { JourneyWorkflow } from '../sdk/define-journey';
import { formatDuration } from '../sdk/durations';
import type { FlowEnding, FlowNode, FlowPath, JourneyFlow } from './journey-flow';

const REPOSITORY = path.resolve(__dirname, '..');

/** Where a catalog journey's code lives: `journeys/<name>/v<N>.ts` (sdk/README.md). */
export function journeySourceFile(workflow: JourneyWorkflow): string {
  return path.join(REPOSITORY, 'journeys', workflow.journey.name, `v${workflow.journey.version}.ts`);
}

export class JourneySourceError extends Error {}

/** Export name → signal name, for the signal identifiers journey code passes to `j.waitFor` and `j.quietFor`. */
const signalNames = new Map(
  Object.entries(signals)
    .filter(([, value]) => typeof value === 'object' && value !== null && 'name' in value && 'schema' in value)
    .map(([exported, value]) => [exported, (value as { name: string }).name]),
);

/**
 * Reads what a journey version does from its TypeScript source with the compiler API: the `run` of the
 * `defineJourney({ name, version })` call in `sourceFile`, statement by statement — steps, waits, sends, branches,
 * loops and exits — plus the trigger, eligibility, goal and exit routes of the definition itself. The diagram is the
 * code's own structure, so it changes when the code does. Helpers of the same file that are handed `j` are read
 * in place.
 */
export function readJourneyFlow(workflow: JourneyWorkflow, sourceFile = journeySourceFile(workflow)): JourneyFlow {
  const { journey } = workflow;
  let text: string;
  try {
    text = readFileSync(sourceFile, 'utf8');
  } catch {
    throw new JourneySourceError(`the code of ${journey.name} v${journey.version} is not at ${sourceFile}`);
  }
  const file = ts.createSourceFile(sourceFile, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const definition = findDefinition(file, journey.name, journey.version);
  const run = definition && runOf(definition);
  if (!definition || !run) {
    throw new JourneySourceError(
      `${sourceFile} has no defineJourney({ name: '${journey.name}', version: ${journey.version}, run(j) { … } })`,
    );
  }
  const reader = new FlowReader(file);
  const nodes = reader.readFunction(run);
  const endings: FlowEnding[] = [];
  if (journey.goal) endings.push({ signal: journey.goal.signal.name, outcome: 'converted' });
  const exitSources = reader.exitRoutes(definition);
  (journey.exits ?? []).forEach((exit, i) => {
    const { reason, when } = exitSources[i] ?? {};
    endings.push({
      signal: exit.signal.name,
      outcome: exit.outcome ?? 'exited',
      ...(reason ? { reason } : {}),
      ...(when ? { when } : {}),
    });
  });
  const relative = path.relative(REPOSITORY, sourceFile);
  return {
    journey: journey.name,
    version: journey.version,
    source: relative.startsWith('..') ? sourceFile : relative,
    trigger: journey.trigger.signal.name,
    eligibility: journey.eligibility !== undefined,
    nodes,
    endings,
  };
}

type FunctionLike = ts.FunctionLikeDeclaration;

/** The object literal of `defineJourney({ name, version, … })` for this journey version. */
function findDefinition(file: ts.SourceFile, name: string, version: number): ts.ObjectLiteralExpression | undefined {
  let found: ts.ObjectLiteralExpression | undefined;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (
      ts.isCallExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'defineJourney' &&
      node.arguments[0] &&
      ts.isObjectLiteralExpression(node.arguments[0])
    ) {
      const definition = node.arguments[0];
      const property = (key: string) =>
        definition.properties.find((p) => p.name && ts.isIdentifier(p.name) && p.name.text === key);
      const nameProp = property('name');
      const versionProp = property('version');
      const matches =
        nameProp &&
        ts.isPropertyAssignment(nameProp) &&
        ts.isStringLiteralLike(nameProp.initializer) &&
        nameProp.initializer.text === name &&
        versionProp &&
        ts.isPropertyAssignment(versionProp) &&
        ts.isNumericLiteral(versionProp.initializer) &&
        Number(versionProp.initializer.text) === version;
      if (matches) found = definition;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

function propertyOf(object: ts.ObjectLiteralExpression, key: string): ts.ObjectLiteralElementLike | undefined {
  return object.properties.find((p) => p.name && ts.isIdentifier(p.name) && p.name.text === key);
}

function runOf(definition: ts.ObjectLiteralExpression): FunctionLike | undefined {
  const run = propertyOf(definition, 'run');
  if (run && ts.isMethodDeclaration(run)) return run;
  if (run && ts.isPropertyAssignment(run) && isFunction(run.initializer)) return run.initializer;
  return undefined;
}

function isFunction(node: ts.Node): node is ts.ArrowFunction | ts.FunctionExpression {
  return ts.isArrowFunction(node) || ts.isFunctionExpression(node);
}

const SEND_CHANNELS = new Set(['email', 'sms', 'web']);
const WAIT_METHODS = new Set(['waitFor', 'quietFor', 'sleep', 'sleepUntil']);
const ACTION_METHODS = new Set(['profile', 'checkEligibility', 'requireEligible', 'split']);

/** Walks statements in source order, turning calls on the journey context into flow nodes. */
class FlowReader {
  private readonly constants = new Map<string, ts.Expression>();
  private readonly helpers = new Map<string, FunctionLike>();
  private readonly sendCounts = new Map<string, number>();
  private readonly inlining = new Set<string>();
  /** `const` declarations met inside `run` (a date helper such as `reminderDate`), so waits can name what they wait for. */
  private readonly locals = new Map<string, ts.Expression>();

  constructor(private readonly file: ts.SourceFile) {
    for (const statement of file.statements) {
      if (ts.isFunctionDeclaration(statement) && statement.name && statement.body) {
        this.helpers.set(statement.name.text, statement);
      }
      if (ts.isVariableStatement(statement)) {
        for (const declaration of statement.declarationList.declarations) {
          if (!ts.isIdentifier(declaration.name) || !declaration.initializer) continue;
          if (isFunction(declaration.initializer)) this.helpers.set(declaration.name.text, declaration.initializer);
          else this.constants.set(declaration.name.text, declaration.initializer);
        }
      }
    }
  }

  readFunction(fn: FunctionLike, contextName?: string): FlowNode[] {
    const first = fn.parameters[0];
    const j = contextName ?? (first && ts.isIdentifier(first.name) ? first.name.text : undefined);
    if (!j || !fn.body) return [];
    if (!ts.isBlock(fn.body)) return this.readExpression(fn.body, j);
    return this.readStatements(fn.body.statements, j);
  }

  /** The reason and condition of each `exits` entry (`exitOn(signal, { when, reason })`), as written. */
  exitRoutes(definition: ts.ObjectLiteralExpression): Array<{ reason?: string; when?: string }> {
    const exits = propertyOf(definition, 'exits');
    if (!exits || !ts.isPropertyAssignment(exits) || !ts.isArrayLiteralExpression(exits.initializer)) return [];
    return exits.initializer.elements.map((element) => {
      const options =
        ts.isCallExpression(element) && element.arguments[1] && ts.isObjectLiteralExpression(element.arguments[1])
          ? element.arguments[1]
          : ts.isObjectLiteralExpression(element)
            ? element
            : undefined;
      const read = (key: string) => {
        const p = options && propertyOf(options, key);
        if (!p || !ts.isPropertyAssignment(p)) return undefined;
        return this.text(isFunction(p.initializer) ? (p.initializer.body as ts.Expression) : p.initializer);
      };
      const reason = read('reason');
      const when = read('when');
      return { ...(reason ? { reason } : {}), ...(when ? { when } : {}) };
    });
  }

  private readStatements(statements: readonly ts.Statement[], j: string): FlowNode[] {
    const nodes: FlowNode[] = [];
    for (const statement of statements) {
      nodes.push(...this.readStatement(statement, j));
      if (endsFlow(nodes)) break;
    }
    return nodes;
  }

  private readStatement(statement: ts.Statement, j: string): FlowNode[] {
    if (ts.isBlock(statement)) return this.readStatements(statement.statements, j);
    if (ts.isIfStatement(statement)) {
      const before = this.readExpression(statement.expression, j);
      const yes = this.readStatement(statement.thenStatement, j);
      const no = statement.elseStatement ? this.readStatement(statement.elseStatement, j) : [];
      if (yes.length === 0 && no.length === 0) return before;
      return [
        ...before,
        {
          kind: 'branch',
          condition: this.source(statement.expression),
          paths: [
            { label: 'yes', nodes: yes },
            { label: 'no', nodes: no },
          ],
        },
      ];
    }
    if (ts.isSwitchStatement(statement)) {
      const paths: FlowPath[] = statement.caseBlock.clauses.map((clause) => ({
        label: ts.isCaseClause(clause) ? this.source(clause.expression) : 'default',
        nodes: this.readStatements(
          clause.statements.filter((s) => !ts.isBreakStatement(s)),
          j,
        ),
      }));
      if (!statement.caseBlock.clauses.some((c) => ts.isDefaultClause(c))) paths.push({ label: 'other', nodes: [] });
      return [{ kind: 'branch', condition: this.source(statement.expression), paths }];
    }
    if (
      ts.isForStatement(statement) ||
      ts.isForOfStatement(statement) ||
      ts.isForInStatement(statement) ||
      ts.isWhileStatement(statement) ||
      ts.isDoStatement(statement)
    ) {
      const body = this.readStatement(statement.statement, j);
      if (body.length === 0) return [];
      return [{ kind: 'loop', label: loopLabel(statement, (n) => this.source(n)), body }];
    }
    if (ts.isTryStatement(statement)) {
      return [
        ...this.readStatements(statement.tryBlock.statements, j),
        ...(statement.finallyBlock ? this.readStatements(statement.finallyBlock.statements, j) : []),
      ];
    }
    if (ts.isReturnStatement(statement)) {
      const before = statement.expression ? this.readExpression(statement.expression, j) : [];
      return [...before, { kind: 'end', label: 'completed' }];
    }
    if (ts.isThrowStatement(statement)) {
      return [{ kind: 'end', label: `fails: ${this.source(statement.expression)}` }];
    }
    if (ts.isExpressionStatement(statement)) return this.readExpression(statement.expression, j);
    if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && d.initializer) this.locals.set(d.name.text, d.initializer);
      }
      return statement.declarationList.declarations.flatMap((d) =>
        d.initializer && !isFunction(d.initializer) ? this.readExpression(d.initializer, j) : [],
      );
    }
    return [];
  }

  /** The SDK calls inside an expression, in evaluation order (nested functions are not run here: skipped). */
  private readExpression(expression: ts.Node, j: string): FlowNode[] {
    const nodes: FlowNode[] = [];
    const visit = (node: ts.Node): void => {
      if (isFunction(node) || ts.isFunctionDeclaration(node)) return;
      if (ts.isCallExpression(node)) {
        node.arguments.forEach(visit);
        const own = this.readCall(node, j);
        if (own) {
          nodes.push(...own);
          return;
        }
        visit(node.expression);
        return;
      }
      ts.forEachChild(node, visit);
    };
    visit(expression);
    return nodes;
  }

  private readCall(call: ts.CallExpression, j: string): FlowNode[] | undefined {
    const callee = call.expression;
    if (ts.isIdentifier(callee)) return this.readHelperCall(callee.text, call, j);
    if (!ts.isPropertyAccessExpression(callee) || !ts.isIdentifier(callee.expression)) return undefined;
    if (callee.expression.text !== j) return undefined;
    const method = callee.name.text;
    const args = call.arguments;
    if (method === 'step') return [{ kind: 'step', name: this.text(args[0]) }];
    if (method === 'exit') {
      return [{ kind: 'exit', reason: this.text(args[0]), outcome: args[1] ? this.text(args[1]) : 'exited' }];
    }
    if (SEND_CHANNELS.has(method)) return [this.send(method, args)];
    if (WAIT_METHODS.has(method)) return [{ kind: 'wait', label: this.waitLabel(method, args) }];
    if (ACTION_METHODS.has(method)) return [{ kind: 'action', label: this.actionLabel(method, args) }];
    return undefined;
  }

  /** A helper of the same file handed `j`: its SDK calls happen here, so they are read in place. */
  private readHelperCall(name: string, call: ts.CallExpression, j: string): FlowNode[] | undefined {
    const helper = this.helpers.get(name);
    const position = call.arguments.findIndex((a) => ts.isIdentifier(a) && a.text === j);
    if (!helper || position < 0 || this.inlining.has(name)) return undefined;
    const parameter = helper.parameters[position];
    if (!parameter || !ts.isIdentifier(parameter.name)) return undefined;
    this.inlining.add(name);
    try {
      return this.readFunction(helper, parameter.name.text);
    } finally {
      this.inlining.delete(name);
    }
  }

  private send(channel: string, args: ts.NodeArray<ts.Expression>): FlowNode {
    const template = this.text(args[0]);
    const options = args[2] && ts.isObjectLiteralExpression(args[2]) ? args[2] : undefined;
    const option = (key: string) => {
      const p = options?.properties.find((o) => o.name && ts.isIdentifier(o.name) && o.name.text === key);
      if (!p) return undefined;
      if (ts.isShorthandPropertyAssignment(p)) return p.name.text;
      if (!ts.isPropertyAssignment(p)) return undefined;
      // A function option (a date re-evaluated at send time) reads as its body.
      return isFunction(p.initializer) ? this.source(p.initializer.body) : this.text(p.initializer);
    };
    // The same step ids as the runtime (sdk/journey-run.ts nextStepId): `<channel>:<template>`, `#2` on repeats.
    const base = `${channel}:${template}`;
    const n = (this.sendCounts.get(base) ?? 0) + 1;
    this.sendCounts.set(base, n);
    const stepId = option('step') ?? (n === 1 ? base : `${base}#${n}`);
    const details = [
      option('topic') && `topic ${option('topic')}`,
      option('recipient') && `to ${option('recipient')}`,
      option('legallyRequired') === 'true' && 'legally required',
      option('onCap') && `over cap: ${option('onCap')}`,
      option('skipIfMissed') && `skipped if not sent by ${option('skipIfMissed')}`,
    ].filter(Boolean);
    return {
      kind: 'send',
      stepId,
      channel,
      template,
      label: `${channel} ${template}${details.length ? ` (${details.join(', ')})` : ''}`,
    };
  }

  private waitLabel(method: string, args: ts.NodeArray<ts.Expression>): string {
    if (method === 'waitFor') {
      const where = args[2] ? ' where …' : '';
      return `wait for ${this.signal(args[0])}${where}, up to ${this.duration(args[1])}`;
    }
    if (method === 'quietFor') return `quiet for ${this.duration(args[1])}: restarts on ${this.signal(args[0])}`;
    if (method === 'sleep') return `sleep ${this.duration(args[0])}`;
    let target: ts.Node | undefined = args[0];
    if (target && ts.isIdentifier(target) && this.locals.has(target.text)) target = this.locals.get(target.text);
    if (target && isFunction(target)) target = target.body;
    return `sleep until ${target ? this.source(target) : '?'}`;
  }

  private actionLabel(method: string, args: ts.NodeArray<ts.Expression>): string {
    if (method === 'profile') return args[0] ? `load profile ${this.source(args[0])}` : 'load profile';
    if (method === 'split') {
      const weights = args[1] && ts.isObjectLiteralExpression(args[1]) ? args[1] : undefined;
      const arms = weights?.properties.map((p) => (p.name ? this.text(p.name as ts.Expression) : '?')) ?? [];
      return `split ${this.text(args[0])}: ${arms.join(' | ')}`;
    }
    return method === 'requireEligible' ? 'require eligible (else ineligible)' : 'check eligibility';
  }

  private signal(node: ts.Expression | undefined): string {
    if (!node) return '?';
    return ts.isIdentifier(node) ? (signalNames.get(node.text) ?? node.text) : this.source(node);
  }

  private duration(node: ts.Expression | undefined): string {
    if (!node) return '?';
    const resolved = ts.isIdentifier(node) ? (this.constants.get(node.text) ?? node) : node;
    if (ts.isStringLiteralLike(resolved)) return resolved.text;
    if (ts.isNumericLiteral(resolved)) return formatDuration(Number(resolved.text));
    return this.source(node);
  }

  /** A literal's text, a constant's literal value, or the source text. */
  private text(node: ts.Expression | ts.PropertyName | undefined): string {
    if (!node) return '?';
    const resolved = ts.isIdentifier(node) ? (this.constants.get(node.text) ?? node) : node;
    if (ts.isStringLiteralLike(resolved) || ts.isNumericLiteral(resolved)) return resolved.text;
    return this.source(node);
  }

  /** Source text, with the file's numeric constants written as their values (`-REMINDER_DAYS_BEFORE` → `-7`). */
  private source(node: ts.Node): string {
    if (ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node)) {
      return node.getText(this.file).slice(1, -1).replace(/\s+/g, ' ');
    }
    let text = node.getText(this.file).replace(/\s+/g, ' ');
    for (const [name, value] of this.constants) {
      if (ts.isNumericLiteral(value)) text = text.replace(new RegExp(`\\b${name}\\b`, 'g'), value.text);
    }
    return text;
  }
}

function loopLabel(statement: ts.IterationStatement, source: (n: ts.Node) => string): string {
  if (ts.isForOfStatement(statement))
    return `for each ${source(statement.initializer)} of ${source(statement.expression)}`;
  if (ts.isForInStatement(statement))
    return `for each ${source(statement.initializer)} in ${source(statement.expression)}`;
  if (ts.isWhileStatement(statement) || ts.isDoStatement(statement)) return `while ${source(statement.expression)}`;
  const condition = (statement as ts.ForStatement).condition;
  return condition ? `while ${source(condition)}` : 'repeat';
}

/** Nothing after an exit or a return runs. */
function endsFlow(nodes: FlowNode[]): boolean {
  const last = nodes[nodes.length - 1];
  return last?.kind === 'exit' || last?.kind === 'end';
}
