#!/usr/bin/env node
// `p4lab switch` runs from its bundle, which starts faster (kernel-lib/cli/switch-main.ts).
const entry = process.argv[2] === 'switch' ? '../dist/p4lab-switch.js' : '../dist/kernel-lib/cli/main.js';
import(entry).then((m) => m.main(process.argv)).catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND') {
    console.error('p4lab is not built yet: run `npm run setup` in the p4lab folder.');
  } else {
    console.error(`p4lab: ${err && err.message ? err.message : err}`);
  }
  process.exit(1);
});
