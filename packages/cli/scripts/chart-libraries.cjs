// The drill report's charting library, Observable Plot with the d3 modules it uses, and the DOM it
// draws in, linkedom, with their dependencies: the packages scripts/build.mjs inlines into
// dist/s3-dr-charts.js, and that Jest compiles like our sources (most ship as ES modules only,
// which Jest cannot require on Node 20). Patterns of package names.
module.exports = [
  '@observablehq/plot',
  'd3',
  'd3-[a-z-]+',
  'internmap',
  'isoformat',
  'interval-tree-1d',
  'binary-search-bounds',
  'delaunator',
  'robust-predicates',
  'linkedom',
  'htmlparser2',
  'cssomnom',
  'css-select',
  'css-what',
  'boolbase',
  'nth-check',
  'domhandler',
  'domutils',
  'dom-serializer',
  'domelementtype',
  'entities',
  'uhyphen',
];
