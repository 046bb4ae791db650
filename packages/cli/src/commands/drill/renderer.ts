import type { Evidence } from './evidence';

/**
 * The seam to the report renderer (report.html and report.md from the evidence). Until it lands,
 * a drill writes evidence.json alone; then this becomes `export { writeReport } from './report';`.
 */
export const writeReport: ((dir: string, evidence: Evidence) => Promise<void>) | undefined = undefined;
