// The report's two charts as inline SVG, drawn by Observable Plot in Node: Plot builds its SVG
// with whatever `document` it is given, here linkedom's (a DOM without a browser). Text from the
// evidence reaches the SVG only as text nodes, which the DOM escapes when it serializes.
// https://observablehq.com/plot/getting-started#plot-in-node
// The CLI's build puts this module and the libraries in a file of their own (dist/s3-dr-charts.js),
// loaded only when a report is rendered: every other command starts without parsing them.
import { axisX, barX, dodgeY, dot, gridX, plot, rect, ruleX, text } from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import type { Evidence, ProbeRecord, StageName, TimelineEvent } from '../evidence';
import { COLOURS, formatSeconds, numberedEvents, STAGE_TITLE, secondsBetween } from './facts';

// Drawn for the page's width (the page scales them to fit, on screen and on A4 alike).
const WIDTH = 820;
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

function newDocument() {
  return parseHTML('<!DOCTYPE html><html><body></body></html>').document;
}

/** The lanes of the timeline under the stages, for the events a reader looks for. */
const EVENT_LANE: Readonly<Record<TimelineEvent['kind'], string>> = {
  'stage-start': '',
  'stage-end': '',
  'fault-start': 'Fault injection',
  'fault-end': 'Fault injection',
  alarm: 'Alarms',
  'route-change': 'Access point routes',
  undo: 'Undo',
  note: 'Notes',
};

/**
 * The drill on a time axis (UTC): one bar per stage that ran, coloured by its status; the fault
 * window shaded across every lane; alarm transitions, route changes, undo steps and notes as
 * numbered markers in lanes of their own.
 */
export function timelineSvg(evidence: Evidence): string {
  const ran = evidence.stages.filter((s) => s.startedAt && s.endedAt);
  const events = numberedEvents(evidence);
  const stageLanes = evidence.stages.map((s) => STAGE_TITLE[s.name]);
  const eventLanes = [...new Set(events.map((e) => EVENT_LANE[e.kind]))];
  const lanes = [...stageLanes, ...eventLanes];
  const windows = faultWindows(evidence);
  const bars = ran.map((s) => ({
    lane: STAGE_TITLE[s.name],
    start: new Date(s.startedAt as string),
    end: new Date(s.endedAt as string),
    status: s.status,
    label: `${s.status} · ${formatSeconds(secondsBetween(s.startedAt as string, s.endedAt as string))}`,
  }));
  const skipped = evidence.stages
    .filter((s) => !(s.startedAt && s.endedAt))
    .map((s) => ({ lane: STAGE_TITLE[s.name], at: new Date(evidence.startedAt), label: s.status }));
  const from = Date.parse(evidence.startedAt);
  const span = Math.max(Date.parse(evidence.endedAt) - from, 1);
  const share = (at: Date) => (at.getTime() - from) / span;
  const ticks = timeTicks(from, from + span);
  // Where a bar's status and duration go: after its end; before its start when it ends in the last
  // quarter (the text would run off the chart); inside it when it also starts in the first quarter
  // (before it, the text would run into the lane names).
  const labelPlace = (b: { start: Date; end: Date }): 'after' | 'before' | 'inside' =>
    share(b.end) <= 0.75 ? 'after' : share(b.start) >= 0.25 ? 'before' : 'inside';
  const markers = events.map((e) => ({
    lane: EVENT_LANE[e.kind],
    at: new Date(e.at),
    kind: e.kind,
    number: String(e.number),
    title: `${e.number}. ${e.detail}`,
  }));
  const svg = plot({
    document: newDocument(),
    width: WIDTH,
    height: 46 + lanes.length * 30,
    marginLeft: 170,
    marginRight: 24,
    marginTop: 22,
    style: { fontFamily: FONT, fontSize: '12px' },
    // The page's text says the times are UTC: a label here would collide with the last tick.
    // Ticks of its own: a count is only a hint to the scale, which put 13 labels on a 12 s drill.
    x: {
      type: 'utc',
      label: null,
      tickFormat: ticks.step < 60_000 ? '%H:%M:%S' : '%H:%M',
      ticks: ticks.at,
      grid: true,
    },
    y: { domain: lanes, label: null, padding: 0.25 },
    marks: [
      rect(windows, { x1: 'start', x2: 'end', fill: COLOURS.fault }),
      ruleX(
        windows.flatMap((w) => [w.start, w.end]),
        { stroke: COLOURS.faultEdge, strokeDasharray: '4,3', strokeWidth: 1 },
      ),
      text(windows, {
        x: 'start',
        frameAnchor: 'top',
        dy: -14,
        dx: 4,
        textAnchor: 'start',
        text: () => 'replication paused (fault injection)',
        fill: COLOURS.faultEdge,
        fontWeight: 600,
      }),
      barX(bars, {
        x1: 'start',
        x2: 'end',
        y: 'lane',
        fill: (d: (typeof bars)[number]) => COLOURS[d.status],
        rx: 2,
        title: 'label',
      }),
      text(
        bars.filter((b) => labelPlace(b) === 'after'),
        { x: 'end', y: 'lane', text: 'label', textAnchor: 'start', dx: 5, fill: '#333' },
      ),
      text(
        bars.filter((b) => labelPlace(b) === 'before'),
        { x: 'start', y: 'lane', text: 'label', textAnchor: 'end', dx: -5, fill: '#333' },
      ),
      text(
        bars.filter((b) => labelPlace(b) === 'inside'),
        { x: 'start', y: 'lane', text: 'label', textAnchor: 'start', dx: 5, fill: 'white', fontWeight: 600 },
      ),
      text(skipped, { x: 'at', y: 'lane', text: 'label', textAnchor: 'start', fill: COLOURS.skipped }),
      dot(markers, {
        x: 'at',
        y: 'lane',
        r: 8,
        fill: (d) => COLOURS[d.kind as keyof typeof COLOURS],
        stroke: 'white',
        title: 'title',
      }),
      text(markers, { x: 'at', y: 'lane', text: 'number', fill: 'white', fontWeight: 700, fontSize: 10 }),
    ],
  });
  return svg.outerHTML;
}

/** Steps between the timeline's ticks, shortest first: round numbers on a clock. */
const TICK_STEPS_MS = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400,
].map((seconds) => seconds * 1000);

/**
 * At most this many tick labels on the timeline: a label (`09:30:00`, about 55 px) needs about
 * 80 px to stand apart, and the plot is 626 px wide (820 less the lane names and the margin).
 */
export const MAX_TIME_TICKS = 6;

/**
 * The timeline's ticks from `from` to `to` (epoch ms): the shortest round step that gives at most
 * {@link MAX_TIME_TICKS} of them, each a whole multiple of the step (UTC).
 */
export function timeTicks(from: number, to: number): { step: number; at: Date[] } {
  const fits = (step: number) => Math.floor(to / step) - Math.ceil(from / step) + 1 <= MAX_TIME_TICKS;
  const step = TICK_STEPS_MS.find(fits) ?? Math.ceil((to - from) / MAX_TIME_TICKS / 86_400_000) * 86_400_000;
  const at: Date[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) at.push(new Date(t));
  return { step, at };
}

/**
 * Where replication was paused: from each fault-start to the next fault-end (or, when the drill
 * ended without one, to the end of the fault stage or of the drill).
 */
function faultWindows(evidence: Evidence): { start: Date; end: Date }[] {
  const windows: { start: Date; end: Date }[] = [];
  let start: Date | undefined;
  for (const event of [...evidence.events].sort((a, b) => Date.parse(a.at) - Date.parse(b.at))) {
    if (event.kind === 'fault-start') start ??= new Date(event.at);
    if (event.kind === 'fault-end' && start) {
      windows.push({ start, end: new Date(event.at) });
      start = undefined;
    }
  }
  if (start) {
    const stage = evidence.stages.find((s) => s.name === 'fault');
    windows.push({ start, end: new Date(stage?.endedAt ?? evidence.endedAt) });
  }
  return windows;
}

/** Probe delays are shown on a log scale (seconds to many minutes); these are its labelled ticks. */
const DELAY_TICKS = [1, 2, 5, 10, 30, 60, 120, 300, 900, 1800, 3600, 7200, 21_600, 86_400];

/** Which stage a probe belongs to, as the chart's rows name it. */
function probeRow(probe: ProbeRecord): string {
  const stage: StageName = probe.stage;
  if (stage === 'failover') return probe.direction === 'back' ? 'Failback probes' : 'Failover probes';
  if (stage === 'fault') return 'Written during the fault';
  return `${STAGE_TITLE[stage]}${probe.direction === 'back' ? ' (back)' : ''}`;
}

/**
 * The replication delay of every probe that arrived, one dot each, a row per stage, on a log scale
 * so that seconds and a pause of many minutes fit on one axis; the RPO target as a line. Returns
 * undefined when no probe arrived (the page then says so in words).
 */
export function delaySvg(evidence: Evidence): string | undefined {
  const arrived = evidence.probes.filter((p) => p.delaySeconds !== null);
  if (arrived.length === 0) return undefined;
  // Each row says how many probes it holds (written, arrived or not); a probe an interrupted
  // attempt stopped watching is not one of them (the page lists those apart).
  const watched = evidence.probes.filter((p) => p.delaySeconds !== null || !p.interrupted);
  const written = new Map<string, number>();
  for (const p of watched) written.set(probeRow(p), (written.get(probeRow(p)) ?? 0) + 1);
  const label = (p: ProbeRecord) => `${probeRow(p)} (${written.get(probeRow(p))})`;
  const rows = [...new Set(watched.map(label))];
  const rpo = evidence.objectives.find((o) => o.name === 'rpo');
  const delays = arrived.map((p) => Math.max(p.delaySeconds as number, 0.5));
  const low = Math.min(...delays, rpo?.target_seconds ?? Infinity);
  const high = Math.max(...delays, rpo?.target_seconds ?? 0);
  const domain = [Math.max(0.5, low / 1.6), high * 1.6];
  const ticks = DELAY_TICKS.filter((t) => t >= domain[0] && t <= domain[1]);
  const data = arrived.map((p) => ({
    row: label(p),
    delay: Math.max(p.delaySeconds as number, 0.5),
    title: `${p.key}\n${formatSeconds(p.delaySeconds as number)}`,
  }));
  const svg = plot({
    document: newDocument(),
    width: WIDTH,
    marginLeft: 170,
    marginRight: 24,
    marginTop: 24,
    marginBottom: 36,
    style: { fontFamily: FONT, fontSize: '12px' },
    // The page's heading says what the axis is: a label here would collide with the last tick.
    x: { type: 'log', domain, label: null },
    fy: { domain: rows, label: null, padding: 0.1, axis: 'left' },
    y: { axis: null },
    height: 24 + 36 + rows.length * 58,
    marks: [
      // Ticks of its own: a log scale's own tick format labels only some of them.
      gridX(ticks),
      axisX(ticks, { text: (t: number) => formatSeconds(t), anchor: 'bottom', facetAnchor: 'bottom' }),
      ...(rpo
        ? [
            ruleX([rpo.target_seconds], { stroke: COLOURS.target, strokeWidth: 2, strokeDasharray: '6,3' }),
            text([rpo.target_seconds], {
              x: (d: number) => d,
              frameAnchor: 'top',
              dy: -14,
              textAnchor: 'end',
              dx: -4,
              text: () => `RPO target ${formatSeconds(rpo.target_seconds)}`,
              fill: COLOURS.target,
              fontWeight: 600,
              facetAnchor: 'top',
            }),
          ]
        : []),
      dot(
        data,
        dodgeY('middle', {
          x: 'delay',
          fy: 'row',
          r: 4.5,
          fill: (d) => (rpo && d.delay > rpo.target_seconds ? COLOURS.target : COLOURS.probe),
          fillOpacity: 0.85,
          stroke: 'white',
          strokeWidth: 0.75,
          title: 'title',
        }),
      ),
    ],
  });
  return svg.outerHTML;
}
