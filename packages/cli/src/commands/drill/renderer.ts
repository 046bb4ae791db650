// The report renderer: evidence.json, report.html and report.md, written whole into the folder.
export { writeReport } from './report';
