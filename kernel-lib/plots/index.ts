export { Plot, type Layer } from './plot.js';
export {
  latencyOverTime, throughputOverTime, queueDepthOverTime, lossBars, outageBars, cdf, boxPlot, meanWithCi,
  type TimeSeriesOptions,
} from './builders.js';
export { renderSvg, renderHtml, show, type Display } from './render.js';
export { meanCi, t975, ecdf } from './summaries.js';
