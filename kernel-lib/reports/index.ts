// Reproducible reports: a notebook builds a Report (prose, plots, tables,
// headline metrics, what ran) and writes it as a directory; replay and diff
// read its manifest.
//
//   const params = notebookParams({ rate_pps: 1000, duration_s: 10 });
//   …
//   const report = new Report({ title: 'Quickstart', dir: '../reports/quickstart' })
//     .network(net).traffic(analysis).plot(latencyPlot, 'latency')
//     .metric('loss', 0.1, '%', { tolerance: { abs: 0.5 } });
//   await report.write();
export { Report, type ReportOptions, type WrittenReport } from './report.js';
export { readManifest, validateManifest, MANIFEST_FORMAT, MANIFEST_VERSION, type Manifest, type Metric, type ManifestEvent, type ManifestFile, type ManifestLink, type ManifestNode, type ManifestProgram } from './manifest.js';
export { compareMetrics, diffManifests, formatDiff, formatMetricComparison, DEFAULT_TOLERANCE, type MetricComparison, type ReportDiff, type ValueChange } from './compare.js';
export { PARAMS_ENV, NOTEBOOK_ENV, REPORT_DIR_ENV } from '../notebooks/params.js';
export { replayReport, type ReplayOptions, type ReplayResult } from './replay.js';
