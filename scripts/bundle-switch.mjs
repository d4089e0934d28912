// Bundles `p4lab switch` (kernel-lib/cli/switch-main.ts) and its dependencies
// into dist/p4lab-switch.js: one file starts faster than the modules it is made
// of. The native addon stays outside (loaded by path); the .proto files are
// read from kernel-lib/ (see kernel-lib/package-root.ts).
import { build } from 'esbuild';

await build({
  entryPoints: ['kernel-lib/cli/switch-main.ts'],
  outfile: 'dist/p4lab-switch.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  // The CommonJS packages inside (grpc-js, protobufjs) call require().
  banner: { js: "import { createRequire as p4labCreateRequire } from 'node:module';\nconst require = p4labCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
