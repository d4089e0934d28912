export { TrafficAnalysis, type TraceSet, type SeriesOptions } from './traffic-analysis.js';
export { eventsTable } from './events-table.js';
export { writeCsv, writeArrow } from './export.js';
