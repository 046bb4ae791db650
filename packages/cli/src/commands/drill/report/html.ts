// report.html: one self-contained page (no script, no external style, font or image) that an
// auditor opens offline, prints to PDF and archives next to evidence.json. A Content-Security-
// Policy forbids the page every request, so that it stays self-contained even if a change here
// forgot that rule.
import {
  type Evidence,
  type ProbeRecord,
  type StageRecord,
  stageStatusText,
  type UndoRecord,
} from '../evidence';
import {
  COLOURS,
  deploymentFacts,
  drillClock,
  EVENT_TEXT,
  formatSeconds,
  type NumberedEvent,
  numberedEvents,
  type ObjectiveRow,
  objectiveRows,
  outcomeText,
  probeDelayText,
  probesNeverArrived,
  probesNotWatched,
  runFacts,
  STAGE_TITLE,
  STATUS_TEXT,
  secondsBetween,
  valueText,
} from './facts';
import { html, Markup } from './markup';

type Charts = typeof import('./charts');

/** The whole report page for one drill. */
export function renderHtml(evidence: Evidence): string {
  // Required here, not imported: the CLI's build puts the charts and their libraries in a file of
  // their own, which only a rendering loads (see charts.ts).
  const charts = require('./charts') as Charts;
  const title = `S3 DR drill ${evidence.deployment.suffix ?? evidence.deployment.primaryBucket} ${evidence.runId}`;
  const page = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${new Markup(STYLE)}</style>
</head>
<body>
<main>
${header(evidence)}
${objectivesSection(evidence)}
${timelineSection(evidence, charts)}
${delaySection(evidence, charts)}
${stagesSection(evidence)}
${undoSection(evidence)}
${probesSection(evidence)}
${settingsSection(evidence)}
<footer>
<p>This page is rendered from <code>evidence.json</code> in the same folder (schema <code>${evidence.schema}</code>):
the JSON file is the record, this page and <code>report.md</code> present it. To render them again:
<code>s3-dr drill report evidence.json</code>. Every time is UTC.</p>
</footer>
</main>
</body>
</html>
`;
  return page.value;
}

function header(evidence: Evidence): Markup {
  const verdict = evidence.outcome;
  const label = { met: 'MET', missed: 'MISSED', interrupted: 'INTERRUPTED', error: 'ERROR' }[verdict];
  const name = evidence.deployment.suffix ?? evidence.deployment.primaryBucket;
  return html`<header>
<p class="eyebrow">s3-dr · disaster-recovery drill · evidence report</p>
<h1>Drill of deployment <span class="name">${name}</span></h1>
<p class="outcome outcome-${verdict}"><span class="badge">${label}</span> ${outcomeText(evidence)}</p>
<div class="facts">
${factList('The run', runFacts(evidence))}
${factList('The deployment', deploymentFacts(evidence))}
</div>
</header>`;
}

function factList(heading: string, facts: [string, string][]): Markup {
  return html`<section class="fact-list"><h2>${heading}</h2><dl>${facts.map(
    ([label, value]) => html`<div><dt>${label}</dt><dd>${value}</dd></div>`,
  )}</dl></section>`;
}

const VERDICT_MARK: Readonly<Record<ObjectiveRow['verdict'], string>> = {
  met: '✓ met',
  missed: '✗ missed',
  'not measured': '– not measured',
};

function objectivesSection(evidence: Evidence): Markup {
  const rows = objectiveRows(evidence);
  const body =
    rows.length === 0
      ? html`<tr><td colspan="5" class="empty">The drill recorded no objective.</td></tr>`
      : rows.map(
          (r) => html`<tr class="verdict-${r.verdict.replace(' ', '-')}">
<th scope="row">${r.title}<span class="what">${r.what}</span></th>
<td class="num">${r.target}</td>
<td class="num">${r.measured}</td>
<td><span class="verdict">${VERDICT_MARK[r.verdict]}</span></td>
<td>${r.note}</td>
</tr>`,
        );
  return html`<section>
<h2>Objectives</h2>
<p class="lead">What the deployment promises, what this drill measured on it, and whether each promise held.</p>
<table class="objectives">
<thead><tr><th scope="col">Objective</th><th scope="col">Target</th><th scope="col">Measured</th><th scope="col">Result</th><th scope="col">Note</th></tr></thead>
<tbody>${body}</tbody>
</table>
</section>`;
}

function timelineSection(evidence: Evidence, charts: Charts): Markup {
  const events = numberedEvents(evidence);
  const statuses = [...new Set(evidence.stages.map((s) => s.status))];
  const paused = evidence.events.some((e) => e.kind === 'fault-start');
  return html`<section>
<div class="keep">
<h2>Timeline</h2>
<p class="lead">Each stage of the drill as a bar, coloured by how it ended${
    paused ? '; the shaded band is the time replication was paused by fault injection' : ''
  }${events.length > 0 ? '; numbered markers are the events listed below' : ''}. Times are UTC.</p>
<figure class="chart" aria-label="Timeline of the drill">${new Markup(charts.timelineSvg(evidence))}
<figcaption class="legend">${statuses.map(
    (s) => html`<span><i style="background:${COLOURS[s]}"></i>stage ${STATUS_TEXT[s]}</span>`,
  )}${
    paused
      ? html`<span><i style="background:${COLOURS.fault};border:1px dashed ${COLOURS.faultEdge}"></i>replication paused</span>`
      : ''
  }</figcaption>
</figure>
</div>
${eventsTable(events, drillClock(evidence))}
</section>`;
}

function eventsTable(events: readonly NumberedEvent[], clock: (iso: string) => string): Markup {
  if (events.length === 0)
    return html`<p class="empty">No fault, alarm, route change or undo was recorded.</p>`;
  return html`<table class="events">
<thead><tr><th scope="col">#</th><th scope="col">Time (UTC)</th><th scope="col">Event</th><th scope="col">Detail</th></tr></thead>
<tbody>${events.map(
    (
      e,
    ) => html`<tr><td class="num"><span class="marker" style="background:${COLOURS[e.kind as keyof typeof COLOURS] ?? COLOURS.note}">${e.number}</span></td>
<td class="time">${clock(e.at)}</td><td>${EVENT_TEXT[e.kind]}</td><td class="wrap">${e.detail}</td></tr>`,
  )}</tbody>
</table>`;
}

function delaySection(evidence: Evidence, charts: Charts): Markup {
  const svg = charts.delaySvg(evidence);
  const lost = probesNeverArrived(evidence);
  const unwatched = probesNotWatched(evidence);
  const rpo = evidence.objectives.find((o) => o.name === 'rpo');
  return html`<section class="keep">
<h2>Replication delay of each probe</h2>
<p class="lead">Each dot is one probe object the drill wrote: its delay is the time from its write until
it was first seen in the other bucket (found by polling). The axis is logarithmic, so that seconds and a
pause of many minutes fit on it${rpo ? html`; the dashed line is the RPO target, dots past it are red` : ''}.</p>
${
  svg
    ? html`<figure class="chart" aria-label="Replication delay of each probe">${new Markup(svg)}</figure>`
    : html`<p class="empty">No probe arrived, so there is no delay to show.</p>`
}
${
  lost.length > 0
    ? html`<p class="warning">${lost.length === 1 ? '1 probe never arrived' : `${lost.length} probes never arrived`}: ${lost.map(
        (p, i) => html`${i > 0 ? ', ' : ''}<code>${p.key}</code>`,
      )}.</p>`
    : ''
}
${
  unwatched.length > 0
    ? html`<p class="note">${unwatched.length === 1 ? '1 probe was' : `${unwatched.length} probes were`} not watched to the end: the drill was interrupted before ${unwatched.length === 1 ? 'it' : 'they'} arrived, so whether ${unwatched.length === 1 ? 'it' : 'they'} did is not known (not counted above): ${unwatched.map(
        (p, i) => html`${i > 0 ? ', ' : ''}<code>${p.key}</code>`,
      )}.</p>`
    : ''
}
</section>`;
}

function stagesSection(evidence: Evidence): Markup {
  return html`<section>
<h2>Stages</h2>
<p class="lead">How each stage ended, with the raw figures it recorded (durations in seconds).</p>
<table class="stages">
<thead><tr><th scope="col">Stage</th><th scope="col">Status</th><th scope="col">Started (UTC)</th><th scope="col">Duration</th><th scope="col">Measurements</th><th scope="col">Reason</th></tr></thead>
<tbody>${evidence.stages.map((stage) => stageRow(stage, drillClock(evidence)))}</tbody>
</table>
</section>`;
}

function stageRow(stage: StageRecord, clock: (iso: string) => string): Markup {
  const duration =
    stage.startedAt && stage.endedAt ? formatSeconds(secondsBetween(stage.startedAt, stage.endedAt)) : '–';
  const measurements = Object.entries(stage.measurements ?? {});
  return html`<tr>
<th scope="row">${STAGE_TITLE[stage.name]}<span class="what">${stage.name}</span></th>
<td><span class="status status-${stage.status}">${stageStatusText(stage)}</span></td>
<td class="time">${stage.startedAt ? clock(stage.startedAt) : '–'}</td>
<td class="num">${duration}</td>
<td>${
    measurements.length === 0
      ? '–'
      : html`<dl class="measurements">${measurements.map(
          ([key, value]) => html`<div><dt>${key}</dt><dd>${valueText(value)}</dd></div>`,
        )}</dl>`
  }</td>
<td class="wrap">${stage.reason ?? ''}</td>
</tr>`;
}

function undoSection(evidence: Evidence): Markup {
  const pending = evidence.undo.filter((u) => !u.done);
  return html`<section>
<h2>What the drill changed and put back</h2>
${
  pending.length > 0
    ? html`<p class="warning">${pending.length === 1 ? '1 change was not undone' : `${pending.length} changes were not undone`}: finish by hand as the table says.</p>`
    : ''
}
${
  evidence.undo.length === 0
    ? html`<p class="empty">The drill recorded nothing to undo.</p>`
    : html`<table class="undo">
<thead><tr><th scope="col">Change</th><th scope="col">Undone</th><th scope="col">At (UTC)</th><th scope="col">How to finish by hand</th></tr></thead>
<tbody>${evidence.undo.map((undo) => undoRow(undo, drillClock(evidence)))}</tbody>
</table>`
}
</section>`;
}

function undoRow(undo: UndoRecord, clock: (iso: string) => string): Markup {
  return html`<tr class="${undo.done ? '' : 'pending'}">
<td class="wrap">${undo.action}</td>
<td>${undo.done ? '✓ yes' : '✗ NO'}</td>
<td class="time">${undo.at ? clock(undo.at) : '–'}</td>
<td class="wrap">${undo.howToFinish ?? (undo.done ? '' : 'not recorded')}</td>
</tr>`;
}

function probesSection(evidence: Evidence): Markup {
  if (evidence.probes.length === 0) return html``;
  return html`<section class="probes">
<h2>Probes</h2>
<p class="lead">Every object the drill wrote to measure replication, under its own prefix of the bucket.</p>
<table>
<thead><tr><th scope="col">#</th><th scope="col">Stage</th><th scope="col">Direction</th><th scope="col">Key</th><th scope="col">Written (UTC)</th><th scope="col">Seen (UTC)</th><th scope="col">Delay</th></tr></thead>
<tbody>${evidence.probes.map((probe, i) => probeRow(probe, i, drillClock(evidence)))}</tbody>
</table>
</section>`;
}

function probeRow(probe: ProbeRecord, i: number, clock: (iso: string) => string): Markup {
  return html`<tr>
<td class="num">${i + 1}</td>
<td>${probe.stage}</td>
<td>${probe.direction === 'forward' ? 'primary → replica' : 'replica → primary'}</td>
<td class="key">${probe.key}</td>
<td class="time">${clock(probe.writtenAt)}</td>
<td class="time">${probe.seenAt ? clock(probe.seenAt) : probe.interrupted ? 'not watched' : 'never'}</td>
<td class="num">${probeDelayText(probe)}</td>
</tr>`;
}

function settingsSection(evidence: Evidence): Markup {
  const settings = Object.entries(evidence.settings);
  if (settings.length === 0) return html``;
  return html`<section>
<h2>Settings of the run</h2>
<dl class="settings">${settings.map(([key, value]) => html`<div><dt>${key}</dt><dd>${valueText(value)}</dd></div>`)}</dl>
</section>`;
}

const STYLE = `
:root { color-scheme: light; --ink: #1d2327; --muted: #5f6b73; --line: #d9dee2; --soft: #f4f6f8;
  --met: ${COLOURS.passed}; --missed: ${COLOURS.failed}; --unmeasured: #6b7280; --warn: ${COLOURS.interrupted}; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; background: #fff; color: var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1040px; margin: 0 auto; padding: 28px 32px 40px; }
h1 { font-size: 26px; margin: 2px 0 12px; line-height: 1.2; }
h1 .name { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
h2 { font-size: 18px; margin: 30px 0 6px; padding-bottom: 4px; border-bottom: 2px solid var(--ink); }
.fact-list h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted);
  border-bottom: 1px solid var(--line); margin: 0 0 6px; }
.eyebrow { margin: 0; color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .08em; }
.lead { margin: 4px 0 12px; color: var(--muted); max-width: 80ch; }
.outcome { display: flex; gap: 12px; align-items: center; margin: 0 0 18px; padding: 10px 14px;
  border-radius: 6px; border-left: 6px solid; font-size: 15px; font-weight: 600; }
.outcome .badge { padding: 3px 10px; border-radius: 4px; color: #fff; font-size: 13px; letter-spacing: .06em; }
.outcome-met { background: #e8f5e9; border-color: var(--met); } .outcome-met .badge { background: var(--met); }
.outcome-missed { background: #fdecea; border-color: var(--missed); } .outcome-missed .badge { background: var(--missed); }
.outcome-interrupted, .outcome-error { background: #fff3e0; border-color: var(--warn); }
.outcome-interrupted .badge, .outcome-error .badge { background: var(--warn); }
.facts { display: grid; grid-template-columns: 1fr 1fr; gap: 24px; }
.fact-list dl { margin: 0; }
.fact-list dl div { display: grid; grid-template-columns: 150px 1fr; gap: 8px; padding: 2px 0; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
table { width: 100%; border-collapse: collapse; margin: 6px 0 10px; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
thead th { background: var(--soft); font-size: 12px; text-transform: uppercase; letter-spacing: .04em;
  color: var(--muted); border-bottom: 1px solid #bfc7cd; }
tbody th { font-weight: 600; }
.what { display: block; font-weight: 400; color: var(--muted); font-size: 12px; }
.num, .time { white-space: nowrap; font-variant-numeric: tabular-nums; }
.wrap, .key, code { overflow-wrap: anywhere; }
code, .key { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
.verdict { display: inline-block; white-space: nowrap; padding: 2px 8px; border-radius: 4px; font-weight: 700; font-size: 13px; }
.verdict-met .verdict { background: #e8f5e9; color: var(--met); }
.verdict-missed .verdict { background: var(--missed); color: #fff; }
.verdict-missed { background: #fff5f4; }
.verdict-not-measured .verdict { background: #eceff1; color: var(--unmeasured); }
.objectives td:nth-child(5) { color: var(--ink); }
.status { font-weight: 600; }
.status-passed { color: var(--met); } .status-failed, .status-error { color: var(--missed); }
.status-interrupted { color: var(--warn); } .status-skipped { color: var(--unmeasured); }
.measurements { margin: 0; font-size: 12px; }
.measurements div { display: flex; flex-wrap: wrap; column-gap: 6px; }
.measurements dd { font-variant-numeric: tabular-nums; overflow-wrap: normal; }
.stages th:nth-child(1) { width: 16%; } .stages th:nth-child(5) { width: 30%; }
.chart { margin: 8px 0 4px; }
.chart svg { display: block; width: 100%; height: auto; }
.legend { display: flex; flex-wrap: wrap; gap: 18px; color: var(--muted); font-size: 12px; margin: 4px 0 0 calc(100% * 170 / 820); }
.legend i { display: inline-block; width: 14px; height: 10px; margin-right: 6px; border-radius: 2px; vertical-align: -1px; }
.marker { display: inline-block; min-width: 20px; height: 20px; line-height: 20px; border-radius: 10px;
  color: #fff; text-align: center; font-size: 11px; font-weight: 700; }
.events td:first-child { width: 36px; }
.events td:nth-child(3), .events th { white-space: nowrap; }
.warning { padding: 8px 12px; background: #fff3e0; border-left: 4px solid var(--warn); }
.pending { background: #fff3e0; }
.note { padding: 8px 12px; border-left: 4px solid var(--line); }
.empty { color: var(--muted); font-style: italic; }
.settings { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 2px 24px; margin: 6px 0; }
.settings div { display: flex; gap: 8px; border-bottom: 1px dotted var(--line); padding: 3px 0; }
.settings dd { font-variant-numeric: tabular-nums; }
.probes table { font-size: 12px; }
.probes td, .probes th { padding: 3px 8px; }
footer { margin-top: 36px; padding-top: 10px; border-top: 1px solid var(--line); color: var(--muted); font-size: 12px; }
@media (max-width: 760px) { .facts { grid-template-columns: 1fr; } .legend { margin-left: 0; } }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { font-size: 9pt; }
  h1 { font-size: 18pt; } h2 { font-size: 13pt; margin-top: 18pt; }
  .what { font-size: 8pt; }
  table.objectives { break-inside: avoid; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  table, figure, .outcome, .facts { break-inside: auto; }
  tr, figure, .outcome, .fact-list, .keep { break-inside: avoid; }
  thead { display: table-header-group; }
  .time { white-space: normal; }
  .probes { break-before: page; }
}
`;
