// report.md: the summary of report.html as Markdown, to paste into a ticket or a pull request.
// GitHub-flavoured tables; every string from the evidence is escaped so that it stays text.
import { EVIDENCE_SCHEMA, type Evidence, stageStatusText } from '../evidence';
import {
  deploymentFacts,
  drillClock,
  EVENT_TEXT,
  formatSeconds,
  markedEvents,
  objectiveRows,
  outcomeText,
  probesNeverArrived,
  probesNotWatched,
  runFacts,
  STAGE_TITLE,
  secondsBetween,
  valueText,
} from './facts';

const VERDICT_MARK = { met: '✅ met', missed: '❌ **missed**', 'not measured': '➖ not measured' } as const;

/** The summary of one drill as Markdown. */
export function renderMarkdown(evidence: Evidence): string {
  const name = evidence.deployment.suffix ?? evidence.deployment.primaryBucket;
  const clock = drillClock(evidence);
  const lines: string[] = [
    `# S3 disaster-recovery drill: ${md(name)}`,
    '',
    `**Outcome: ${evidence.outcome.toUpperCase()}.** ${md(outcomeText(evidence))}.`,
    '',
    ...[...runFacts(evidence), ...deploymentFacts(evidence)].map(
      ([label, value]) => `- **${md(label)}:** ${md(value)}`,
    ),
    '',
    '## Objectives',
    '',
    ...(evidence.objectives.length === 0
      ? ['The drill recorded no objective.']
      : table(
          ['Objective', 'Target', 'Measured', 'Result', 'Note'],
          objectiveRows(evidence).map((r) => [
            `**${md(r.title)}**: ${md(r.what)}`,
            md(r.target),
            md(r.measured),
            VERDICT_MARK[r.verdict],
            md(r.note),
          ]),
        )),
    '',
    '## Stages',
    '',
    ...table(
      ['Stage', 'Status', 'Started (UTC)', 'Duration', 'Measurements', 'Reason'],
      evidence.stages.map((s) => [
        md(STAGE_TITLE[s.name]),
        md(stageStatusText(s)),
        s.startedAt ? md(clock(s.startedAt)) : '–',
        s.startedAt && s.endedAt ? md(formatSeconds(secondsBetween(s.startedAt, s.endedAt))) : '–',
        Object.entries(s.measurements ?? {})
          .map(([key, value]) => `${md(key)}: ${md(valueText(value))}`)
          .join('<br>') || '–',
        md(s.reason ?? ''),
      ]),
    ),
    '',
    '## Timeline',
    '',
    ...(markedEvents(evidence).length === 0
      ? ['No fault, alarm, route change or undo was recorded.']
      : table(
          ['Time (UTC)', 'Event', 'Detail'],
          markedEvents(evidence).map((e) => [md(clock(e.at)), md(EVENT_TEXT[e.kind]), md(e.detail)]),
        )),
    '',
    '## What the drill changed and put back',
    '',
    ...(evidence.undo.length === 0
      ? ['The drill recorded nothing to undo.']
      : table(
          ['Change', 'Undone', 'How to finish by hand'],
          evidence.undo.map((u) => [
            md(u.action),
            u.done ? 'yes' : '**NO**',
            md(u.howToFinish ?? (u.done ? '' : 'not recorded')),
          ]),
        )),
    '',
    ...probeSummary(evidence),
    `Rendered from \`evidence.json\` (schema \`${EVIDENCE_SCHEMA}\`); \`report.html\` beside it has the`,
    'timeline and the distribution of probe delays as charts, and every probe.',
    '',
  ];
  return lines.join('\n');
}

/** How many probes were written and arrived, per stage; the probes that never arrived by key. */
function probeSummary(evidence: Evidence): string[] {
  if (evidence.probes.length === 0) return [];
  const stages = [...new Set(evidence.probes.map((p) => p.stage))];
  const lost = probesNeverArrived(evidence);
  const unwatched = probesNotWatched(evidence);
  return [
    '## Probes',
    '',
    ...table(
      ['Stage', 'Written', 'Arrived', 'Not watched to the end (interrupted)'],
      stages.map((stage) => {
        const probes = evidence.probes.filter((p) => p.stage === stage);
        return [
          md(STAGE_TITLE[stage]),
          String(probes.length),
          String(probes.filter((p) => p.delaySeconds !== null).length),
          String(probes.filter((p) => p.delaySeconds === null && p.interrupted === true).length),
        ];
      }),
    ),
    '',
    ...(lost.length > 0 ? [`Never arrived: ${lost.map((p) => md(p.key)).join(', ')}`, ''] : []),
    ...(unwatched.length > 0
      ? [
          `Not watched to the end (the drill was interrupted before they arrived; whether they did is not known): ${unwatched.map((p) => md(p.key)).join(', ')}`,
          '',
        ]
      : []),
  ];
}

/** A GitHub-flavoured table; the cells must already be escaped. */
function table(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)];
}

/**
 * Text for one line of Markdown (a table cell included): line breaks become spaces, and each
 * character that has a meaning inside a line is escaped with a backslash: emphasis, code, links
 * and images, inline HTML and entities, table pipes, strikethrough, and GitHub's math (`$`) and
 * mentions (`@`). Characters that only mean something at the start of a line (`#`, `-`, `1.`) stay
 * as they are: every line here starts with text of our own.
 * https://spec.commonmark.org/0.31.2/#backslash-escapes, https://github.github.com/gfm/#tables-extension-
 */
export function md(text: string): string {
  return text.replace(/\r\n|\r|\n/g, ' ').replace(/[\\`*_[\]<>&|~$@]/g, (c) => `\\${c}`);
}
