import type { ReportWriter } from '../../src/shared/report';

/** A report that keeps its records, for asserting what a run reported. */
export function recordingReport(): { writer: ReportWriter; records: Record<string, unknown>[] } {
  const records: Record<string, unknown>[] = [];
  return {
    records,
    writer: {
      write: async (record) => void records.push(record as Record<string, unknown>),
      close: async () => {},
    },
  };
}
