// Helpers for notebooks: parameters, display, progress, cleanup after a kernel restart.
export { notebookParams, recordedParams, type Params, type ParamValue } from './params.js';
export { notebookDisplay, showHtml, showSvg, showPlot, showTable, showCode, withProgress } from './display.js';
export { cleanupAfterRestart, startNetwork } from './restart-cleanup.js';
export { runNotebook, readNotebookMeta, type NotebookRunOptions, type NotebookRunResult, type NotebookMeta } from './runner.js';
