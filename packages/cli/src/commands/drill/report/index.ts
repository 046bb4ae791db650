// The drill's reports, for the drill command to write at its end. Not for a registration file to
// import: this loads the charting library, which `--help` and every other command must not.
export { renderHtml } from './html';
export { renderMarkdown } from './markdown';
export { readEvidence } from './read';
export { REPORT_FILES, type WrittenReport, writeReport } from './write';
