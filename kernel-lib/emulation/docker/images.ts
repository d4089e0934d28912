// Host images built from the recipes in containers/ (see containers/README.md):
// debootstrap rootfs + `docker import`, tagged by a content hash of the recipe
// so an unchanged recipe is never rebuilt.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { P4labError } from '../../errors.js';
import { CONTAINERS_DIR } from '../paths.js';
import { run } from '../run.js';
import { requireDocker } from './engine.js';

export interface ImageRecipe {
  name: string;
  dir: string;
  description: string;
  suite: string;
  packages: string[];
  config: string[];
  /** `p4lab/<name>:<content hash>`. */
  tag: string;
}

const MIRROR = 'http://deb.debian.org/debian';
const DEB_CACHE = '/var/cache/p4lab/debootstrap';

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? filesUnder(p) : [p];
    });
}

export function recipeNames(): string[] {
  if (!existsSync(CONTAINERS_DIR)) return [];
  return readdirSync(CONTAINERS_DIR).filter((n) => existsSync(join(CONTAINERS_DIR, n, 'recipe.yaml'))).sort();
}

export function loadRecipe(name: string): ImageRecipe {
  const dir = join(CONTAINERS_DIR, name);
  const file = join(dir, 'recipe.yaml');
  if (!existsSync(file)) {
    throw new P4labError(`no image recipe named ${JSON.stringify(name)} in ${CONTAINERS_DIR}`, `use one of: ${recipeNames().join(', ') || '(none)'}`);
  }
  const raw = parse(readFileSync(file, 'utf8')) as Record<string, unknown> | null;
  const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
  if (!raw || typeof raw.suite !== 'string' || !strings(raw.packages) || (raw.config !== undefined && !strings(raw.config))) {
    throw new P4labError(`${file}: needs suite (a Debian release), packages (a list) and optionally config (a list)`, 'see containers/README.md');
  }
  const hash = createHash('sha256');
  for (const f of filesUnder(dir)) hash.update(relative(dir, f)).update('\0').update(readFileSync(f)).update('\0');
  return {
    name,
    dir,
    description: typeof raw.description === 'string' ? raw.description : '',
    suite: raw.suite,
    packages: raw.packages,
    config: (raw.config as string[] | undefined) ?? [],
    tag: `p4lab/${name}:${hash.digest('hex').slice(0, 12)}`,
  };
}

/** The Docker reference for a topology's `image`: a recipe name maps to its tag. */
export function imageReference(image: string): string {
  return /^[a-z0-9][a-z0-9_-]*$/.test(image) && existsSync(join(CONTAINERS_DIR, image, 'recipe.yaml')) ? loadRecipe(image).tag : image;
}

export async function imageExists(tag: string): Promise<boolean> {
  const d = await requireDocker('checking image ' + tag);
  try {
    await d.getImage(tag).inspect();
    return true;
  } catch {
    return false;
  }
}

/** Runs argv, passing each output line to `progress`; rejects with the last lines on failure. */
function runWithProgress(what: string, argv: string[], progress: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    const recent: string[] = [];
    let pending = '';
    const onData = (b: Buffer): void => {
      const lines = (pending + b.toString()).split('\n');
      pending = lines.pop()!;
      for (const l of lines) {
        recent.push(l);
        if (recent.length > 8) recent.shift();
        progress(l);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (e) => reject(new P4labError(`${what}: cannot run ${argv[0]}: ${e.message}`, 'run `npm run setup` to install debootstrap')));
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new P4labError(`${what} failed (exit ${code}):\n  ${recent.join('\n  ')}`, 'check that Debian\'s mirror is reachable (apt-get update)')),
    );
  });
}

/**
 * debootstrap prints one line per package and step ("I: Unpacking bash...");
 * pass on the first line of each step, so progress reads as phases.
 */
function phases(progress: (line: string) => void): (line: string) => void {
  let lastVerb = '';
  return (line) => {
    if (!line.startsWith('I: ')) return;
    const verb = line.slice(3).split(' ')[0]!;
    if (verb !== lastVerb) progress(line.slice(3));
    lastVerb = verb;
  };
}

/**
 * Builds the recipe's image unless its tag already exists. `progress`
 * receives one line per step. Returns the tag.
 */
export async function buildImage(name: string, progress: (line: string) => void = () => {}): Promise<string> {
  const recipe = loadRecipe(name);
  if (await imageExists(recipe.tag)) {
    progress(`${name}: ${recipe.tag} is up to date`);
    return recipe.tag;
  }
  mkdirSync(DEB_CACHE, { recursive: true });
  const work = mkdtempSync('/var/tmp/p4lab-image-');
  const rootfs = join(work, 'rootfs');
  try {
    progress(`${name}: debootstrap ${recipe.suite} with ${recipe.packages.join(', ')}`);
    await runWithProgress(`image ${name}: debootstrap`, [
      'debootstrap', '--variant=minbase', `--cache-dir=${DEB_CACHE}`,
      `--include=${recipe.packages.join(',')}`, recipe.suite, rootfs, MIRROR,
    ], phases((l) => progress(`${name}: ${l}`)));
    // Package lists and downloaded .debs are not needed at run time.
    for (const d of ['var/lib/apt/lists', 'var/cache/apt/archives']) rmSync(join(rootfs, d), { recursive: true, force: true });
    const overlay = join(recipe.dir, 'rootfs');
    if (existsSync(overlay)) cpSync(overlay, rootfs, { recursive: true });
    progress(`${name}: docker import as ${recipe.tag}`);
    const changes = recipe.config.flatMap((c) => ['--change', c]);
    const script = 'root=$0; tag=$1; shift; tar -C "$root" -c . | docker import "$@" - "$tag"';
    await run(`image ${name}: docker import`, ['sh', '-c', script, rootfs, recipe.tag, ...changes]);
    progress(`${name}: built ${recipe.tag}`);
    return recipe.tag;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
