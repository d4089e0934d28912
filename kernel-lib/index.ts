// p4lab's public API, as notebooks and scripts import it.
export { P4labError } from './errors.js';
export { VERSION } from './version.js';
