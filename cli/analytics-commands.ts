import type { Command } from 'commander';
import type { Client } from '@temporalio/client';
import { experimentReport, listExperiments, type ExperimentReport } from '../analytics/experiment-report';
import { promoteWinner } from '../analytics/experiment-promotion';
import { journeyStats, UnknownJourneyError, type JourneyStats } from '../analytics/journey-stats';
import { parseStatsRange, StatsRangeError } from '../analytics/stats-range';
import { formatDuration } from '../sdk/durations';
import { CliError } from './connect';
import { formatTable } from './table';

const percent = (x: number) => `${(100 * x).toFixed(1)}%`;
const signedPercent = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)} pt`;

export function formatExperiment(report: ExperimentReport): string {
  const rows = report.arms.map((a) => [
    a.arm,
    a.entries,
    a.ended,
    a.messages.sent ?? 0,
    a.converted,
    percent(a.conversionRate),
    a.vsHoldout ? signedPercent(a.vsHoldout.uplift) : '',
    a.vsHoldout ? `${signedPercent(a.vsHoldout.interval[0])} … ${signedPercent(a.vsHoldout.interval[1])}` : '',
    a.vsHoldout ? a.vsHoldout.pValue.toPrecision(2) : '',
    a.medianTimeToConvertMs === undefined ? '' : formatDuration(a.medianTimeToConvertMs),
  ]);
  const journeys = report.journeys.map((j) => `${j.journey} v${j.versions.join(', v')}`).join('; ');
  const promotion = report.promotion
    ? `\npromoted: ${report.promotion.arm} since ${report.promotion.promotedAt} (${report.promotion.entriesSince} entries since, not in the table)`
    : '';
  return (
    `experiment ${report.experiment} (${journeys}): ${report.entries} entries\n` +
    formatTable(
      ['ARM', 'ENTRIES', 'ENDED', 'SENT', 'CONVERTED', 'RATE', 'UPLIFT', '95% CI', 'P-VALUE', 'MEDIAN TO CONVERT'],
      rows,
    ) +
    `\n${report.verdict}${promotion}`
  );
}

export function formatJourneyStats(stats: JourneyStats): string {
  const parts = [`journey ${stats.journey}, runs started ${stats.from} … ${stats.to}`];
  for (const v of stats.versions) {
    const o = v.outcomes;
    parts.push(
      `\nv${v.version}: entered ${v.entered}, in progress ${v.inProgress}, converted ${o.converted}, completed ` +
        `${o.completed}, exited ${o.exited}, lost ${o.lost}, ineligible ${o.ineligible}` +
        (v.medianTimeToConvertMs === undefined
          ? ''
          : `, median time to convert ${formatDuration(v.medianTimeToConvertMs)}`) +
        (v.sampled ? ' (reasons and steps from the first runs listed)' : ''),
    );
    if (v.steps.length) {
      parts.push(
        formatTable(
          ['STEP', 'IN PROGRESS', 'ENDED HERE'],
          v.steps.map((s) => [s.step, s.inProgress, s.ended]),
        ),
      );
    }
    if (v.sends.length) {
      parts.push(
        formatTable(
          ['SEND STEP', 'CHANNEL', 'SENT', 'DEFERRED', 'WAITING', 'CAPPED', 'BLOCKED', 'FAILED'],
          v.sends.map((s) => [s.stepId, s.channel, s.sent, s.deferred, s.waiting, s.capped, s.blocked, s.failed]),
        ),
      );
    }
    const reasons = v.sends.flatMap((s) =>
      (['blockedBy', 'cappedBy', 'failedBy'] as const).flatMap((k) =>
        Object.entries(s[k]).map(([reason, n]) => [s.stepId, k.replace('By', ''), reason, n]),
      ),
    );
    if (reasons.length) parts.push(formatTable(['SEND STEP', 'HELD', 'REASON', 'COUNT'], reasons));
    const exits = Object.entries(v.exitedBy);
    if (exits.length) parts.push(formatTable(['ENDED AS', 'COUNT'], exits));
  }
  return parts.join('\n');
}

/** `waymark experiments` and `waymark stats <journey>`: the analytics the API serves, as tables. */
export function registerAnalyticsCommands(
  program: Command,
  temporal: () => Promise<Client>,
  connectStore: () => Promise<void>,
) {
  const experiments = program
    .command('experiments [name]')
    .description("experiments runs have entered; with a name, that experiment's table and verdict")
    .option('--json', 'print JSON')
    .action(async (name: string | undefined, options: { json?: boolean }) => {
      await connectStore();
      if (name === undefined) {
        const list = await listExperiments();
        if (options.json) return console.log(JSON.stringify(list, null, 2));
        if (list.length === 0) return console.log('no run has entered an experiment yet');
        return console.log(
          formatTable(
            ['EXPERIMENT', 'JOURNEYS', 'ENTRIES', 'PROMOTED'],
            list.map((e) => [e.experiment, e.journeys.join(', '), e.entries, e.promotedArm ?? '']),
          ),
        );
      }
      const report = await experimentReport(name);
      if (!report) throw new CliError(`no run has entered experiment '${name}' (see \`waymark experiments\`)`);
      console.log(options.json ? JSON.stringify(report, null, 2) : formatExperiment(report));
    });
  experiments
    .command('promote <name> <arm>')
    .description('give every run that starts from now on this arm; runs in flight keep theirs')
    .action(async (name: string, arm: string) => {
      await connectStore();
      const result = await promoteWinner(name, arm, 'cli');
      if ('error' in result) throw new CliError(result.message);
      console.log(`promoted ${result.arm} in ${result.experiment} for runs starting from ${result.promotedAt}`);
    });

  program
    .command('stats <journey>')
    .description("a journey's analytics per version, step and channel, for runs that started in a date range")
    .option('--from <date>', 'ISO date or date-time, inclusive (default: 30 days before --to)')
    .option('--to <date>', 'ISO date or date-time, exclusive (default: now)')
    .option('--json', 'print JSON')
    .action(async (journey: string, options: { from?: string; to?: string; json?: boolean }) => {
      let range;
      try {
        range = parseStatsRange(options.from, options.to, new Date());
      } catch (error) {
        if (error instanceof StatsRangeError) throw new CliError(`--${error.message}`);
        throw error;
      }
      await connectStore();
      try {
        const stats = await journeyStats(await temporal(), journey, range);
        console.log(options.json ? JSON.stringify(stats, null, 2) : formatJourneyStats(stats));
      } catch (error) {
        if (error instanceof UnknownJourneyError) throw new CliError(error.message);
        throw error;
      }
    });
}
