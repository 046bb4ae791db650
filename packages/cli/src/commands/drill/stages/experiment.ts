import {
  type Experiment,
  type FisClient,
  GetExperimentCommand,
  GetExperimentTemplateCommand,
  ListExperimentsCommand,
  ListExperimentTemplatesCommand,
  StartExperimentCommand,
  StopExperimentCommand,
} from '@aws-sdk/client-fis';
import { CliError, describeAwsError, EXIT } from '../../../shared/errors';

// The AWS FIS calls of the fault stage and of the undo: start the deployment's pause template,
// follow the experiment, stop it. API: https://docs.aws.amazon.com/fis/latest/APIReference/Welcome.html

/** The tag every experiment a drill starts carries: its run id, so that --resume finds it again. */
export const RUN_TAG = 's3-dr-drill';

/** The experiment states after which nothing runs any more. */
const ENDED = new Set(['completed', 'stopped', 'failed', 'cancelled']);

export function hasEnded(experiment: Experiment | undefined): boolean {
  return ENDED.has(experiment?.state?.status ?? '');
}

/** The deployment's pause template: its id and the longest pause it allows. */
export interface PauseTemplate {
  readonly id: string;
  /** The shortest `duration` parameter of its actions, in ms; undefined when it has none. */
  readonly maxPauseMs?: number;
}

/**
 * The template by id (the stack's DrillExperimentTemplateId output), else the one tagged
 * `Name=<name>` (FIS templates have no name of their own). Undefined when there is none.
 */
export async function findPauseTemplate(
  fis: FisClient,
  id: string | undefined,
  name: string | undefined,
): Promise<PauseTemplate | undefined> {
  let templateId = id;
  try {
    if (!templateId && name) {
      let nextToken: string | undefined;
      do {
        const page = await fis.send(new ListExperimentTemplatesCommand({ maxResults: 100, nextToken }));
        templateId = page.experimentTemplates?.find((t) => t.tags?.Name === name)?.id;
        nextToken = page.nextToken;
      } while (!templateId && nextToken);
    }
    if (!templateId) return undefined;
    const res = await fis.send(new GetExperimentTemplateCommand({ id: templateId }));
    const durations = Object.values(res.experimentTemplate?.actions ?? {}).flatMap((action) => {
      const ms = isoDurationMs(action.parameters?.duration);
      return ms === undefined ? [] : [ms];
    });
    return { id: templateId, ...(durations.length ? { maxPauseMs: Math.min(...durations) } : {}) };
  } catch (err) {
    if ((err as Error)?.name === 'ResourceNotFoundException') return undefined;
    throw describeAwsError(err, `AWS FIS experiment template ${templateId ?? name}`, 'FIS');
  }
}

/** `PT15M`, `PT1H30M`, `PT90S` in ms; undefined for anything else. */
export function isoDurationMs(text: string | undefined): number | undefined {
  const match = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(text ?? '');
  if (!match || (!match[1] && !match[2] && !match[3])) return undefined;
  return ((Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0)) * 60 + Number(match[3] ?? 0)) * 1000;
}

/**
 * Starts the template, tagged with the run id. The idempotency token is this start's own (the
 * run id and the time): the SDK's retries of the call reuse it, while a resumed drill that starts
 * the pause again gets a new experiment rather than the stopped one.
 */
export async function startExperiment(
  fis: FisClient,
  templateId: string,
  runId: string,
  now: number,
): Promise<Experiment> {
  try {
    const res = await fis.send(
      new StartExperimentCommand({
        experimentTemplateId: templateId,
        clientToken: `s3-dr-drill-${runId}-${now.toString(36)}`,
        tags: { [RUN_TAG]: runId },
      }),
    );
    if (!res.experiment?.id)
      throw new CliError('AWS FIS started no experiment (no id in its answer)', EXIT.usage);
    return res.experiment;
  } catch (err) {
    throw describeAwsError(err, `AWS FIS experiment template ${templateId} (StartExperiment)`, 'FIS');
  }
}

export async function getExperiment(fis: FisClient, id: string): Promise<Experiment> {
  try {
    const res = await fis.send(new GetExperimentCommand({ id }));
    return res.experiment ?? {};
  } catch (err) {
    throw describeAwsError(err, `AWS FIS experiment ${id}`, 'FIS');
  }
}

/**
 * Stops the experiment unless it has ended; returns its state as last seen. When its state cannot
 * be read, it is stopped all the same.
 */
export async function stopExperiment(fis: FisClient, id: string): Promise<Experiment> {
  const experiment = await getExperiment(fis, id).catch(() => ({}) as Experiment);
  if (hasEnded(experiment)) return experiment;
  try {
    const res = await fis.send(new StopExperimentCommand({ id }));
    return res.experiment ?? experiment;
  } catch (err) {
    throw describeAwsError(err, `AWS FIS experiment ${id} (StopExperiment)`, 'FIS');
  }
}

/** The experiment of this run, by its tag, when its id was not recorded (a crash mid-start). */
export async function findRunExperiment(fis: FisClient, runId: string): Promise<string | undefined> {
  let nextToken: string | undefined;
  try {
    do {
      const page = await fis.send(new ListExperimentsCommand({ maxResults: 100, nextToken }));
      const found = page.experiments?.find((e) => e.tags?.[RUN_TAG] === runId);
      if (found?.id) return found.id;
      nextToken = page.nextToken;
    } while (nextToken);
  } catch (err) {
    throw describeAwsError(err, `the AWS FIS experiments (looking for drill run ${runId})`, 'FIS');
  }
  return undefined;
}

/** When the pause began: the earliest start of the experiment's actions, else the experiment's. */
export function pauseStart(experiment: Experiment): number | undefined {
  const starts = Object.values(experiment.actions ?? {}).flatMap((a) =>
    a.startTime ? [a.startTime.getTime()] : [],
  );
  if (starts.length) return Math.min(...starts);
  return experiment.state?.status === 'running' ? experiment.startTime?.getTime() : undefined;
}

/** When the pause ended: the latest end of the actions, else the experiment's end. */
export function pauseEnd(experiment: Experiment): number | undefined {
  const ends = Object.values(experiment.actions ?? {}).flatMap((a) =>
    a.endTime ? [a.endTime.getTime()] : [],
  );
  if (ends.length) return Math.max(...ends);
  return experiment.endTime?.getTime();
}
