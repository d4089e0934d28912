// A host that is a Docker container. It is created with no network, its
// first process is p4lab's hold shim (which waits on stdin), p4lab moves the
// veth ends into its namespace, then closes stdin and the shim execs the
// image's own ENTRYPOINT and CMD, unchanged.
import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import { P4labError } from '../../errors.js';
import { imageReference } from '../docker/images.js';
import { requireDocker } from '../docker/engine.js';
import { CONTAINER_LABEL, HOST_ENV, PROCESS_ENV } from '../naming.js';
import { CONTAINER_TOOL_DIR, HOLD_SHIM } from '../paths.js';
import { TOOL_DIR } from '../../traffic/host.js';
import { startProcess } from '../processes.js';
import { run, runRaw } from '../run.js';
import { commandArgv, hostCommandError, type EmuHost, type ExecOptions, type ExecResult, type HostProcess } from './host.js';

export interface DockerHostOptions {
  image: string;
  /** Replaces the image's CMD (its ENTRYPOINT stays), as `docker run IMAGE CMD` does. */
  cmd?: string[];
  env?: Record<string, string>;
  /** `hostPath:containerPath[:ro]` bind mounts. */
  volumes?: string[];
  cpus?: number;
  /** Bytes, or a string such as '512m', '1g'. */
  memory?: number | string;
}

const SHIM_PATH = '/.p4lab-hold';
const READY_PATH = '/.p4lab-ready';
const CPU_PERIOD = 100_000;

export function parseMemory(host: string, m: number | string): number {
  if (typeof m === 'number' && Number.isInteger(m) && m > 0) return m;
  const r = typeof m === 'string' ? /^(\d+)\s*([kmg]?)b?$/i.exec(m.trim()) : null;
  if (!r) throw new P4labError(`host ${host}: memory ${JSON.stringify(m)} is not valid`, "write bytes or a size such as '256m' or '1g'");
  return Number(r[1]) * { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[r[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
}

function checkCpus(host: string, cpus: number): void {
  if (!(cpus > 0)) throw new P4labError(`host ${host}: cpus ${cpus} is not valid`, 'give a positive number of CPUs, e.g. 0.5');
}

function limits(host: string, o: { cpus?: number; memory?: number | string }): Record<string, number> {
  const out: Record<string, number> = {};
  if (o.cpus !== undefined) {
    checkCpus(host, o.cpus);
    out.CpuPeriod = CPU_PERIOD;
    out.CpuQuota = Math.round(o.cpus * CPU_PERIOD);
  }
  if (o.memory !== undefined) {
    out.Memory = parseMemory(host, o.memory);
    out.MemorySwap = out.Memory; // no swap: the limit is the limit
  }
  return out;
}

export class DockerHost implements EmuHost {
  readonly backend = 'docker';
  readonly toolDir = CONTAINER_TOOL_DIR;
  #container: Docker.Container | undefined;
  #stdin: Duplex | undefined;
  #pid = 0;
  #containerEnv: string[] = [];
  #command: string[] = [];
  #cgroups: string[] = [];
  #spawned = 0;

  constructor(
    readonly network: string,
    readonly name: string,
    readonly logDir: string,
    readonly options: DockerHostOptions,
  ) {}

  get containerName(): string {
    return `p4lab.${this.network}.${this.name}`;
  }

  /** The FIFO through which the shim reports its exec (see hold.c). */
  get #readyFifo(): string {
    return join(this.logDir, '..', 'hold', this.name);
  }

  get containerId(): string {
    return this.#container!.id;
  }

  /** Pid of the container's first process, on the machine. */
  get pid(): number {
    return this.#pid;
  }

  get netnsPath(): string {
    return `/proc/${this.#pid}/ns/net`;
  }

  /** Creates and starts the container, held before the image's command. */
  async create(): Promise<void> {
    const d = await requireDocker(`host ${this.name}`);
    if (!existsSync(HOLD_SHIM)) throw new P4labError(`host ${this.name}: the container start shim ${HOLD_SHIM} is not built`, 'run `npm run setup` (scripts/setup.d/40-docker.sh builds it)');
    const ref = imageReference(this.options.image);
    let config: Docker.ImageInspectInfo['Config'];
    try {
      config = (await d.getImage(ref).inspect()).Config;
    } catch {
      throw new P4labError(
        `host ${this.name}: Docker image ${ref} is not on this machine`,
        ref === this.options.image ? 'pull or build it first (no registry is reachable here)' : `build it with \`p4lab images build ${this.options.image}\``,
      );
    }
    this.#command = [...(config.Entrypoint ?? []), ...(this.options.cmd ?? config.Cmd ?? [])];
    mkdirSync(dirname(this.#readyFifo), { recursive: true });
    await run(`host ${this.name}: start signal`, ['mkfifo', '-m', '600', this.#readyFifo]);
    const env = Object.entries(this.options.env ?? {}).map(([k, v]) => `${k}=${v}`);
    this.#container = await d.createContainer({
      name: this.containerName,
      Image: ref,
      Hostname: this.name,
      Entrypoint: [SHIM_PATH],
      Cmd: this.#command,
      Env: env,
      Labels: { [CONTAINER_LABEL]: this.network, 'p4lab.node': this.name },
      OpenStdin: true,
      StdinOnce: true,
      AttachStdin: true,
      HostConfig: {
        NetworkMode: 'none',
        CapAdd: ['NET_ADMIN', 'NET_RAW'],
        Binds: [`${HOLD_SHIM}:${SHIM_PATH}:ro`, `${this.#readyFifo}:${READY_PATH}`, `${TOOL_DIR}:${CONTAINER_TOOL_DIR}:ro`, ...(this.options.volumes ?? [])],
        ...limits(this.name, this.options),
      },
    });
    this.#stdin = (await this.#container.attach({ stream: true, stdin: true, hijack: true })) as unknown as Duplex;
    await this.#container.start();
    const info = await this.#container.inspect();
    this.#pid = info.State.Pid;
    this.#containerEnv = info.Config.Env ?? [];
    this.#cgroups = cgroupProcFiles(this.#pid);
  }

  /**
   * Lets the image's ENTRYPOINT/CMD run (call once the interfaces are in
   * place); resolves once it was exec'd, and rejects, naming the host, when
   * it cannot start or the container exits first.
   */
  async release(): Promise<void> {
    if (!this.#stdin) return;
    // Opening a FIFO for reading waits for the writer: the shim, once stdin ends.
    const said = new Promise<string>((resolve, reject) => {
      let text = '';
      createReadStream(this.#readyFifo, 'utf8')
        .on('data', (c) => (text += c))
        .on('end', () => resolve(text))
        .on('error', reject);
    });
    this.#stdin.end();
    this.#stdin = undefined;
    const abort = new AbortController();
    const exited = this.#container!.wait({ abortSignal: abort.signal }).then(
      (r: { StatusCode: number }) => `the container exited with status ${r.StatusCode} before its command started`,
      () => '', // aborted below, once the command started
    );
    const failure = await Promise.race([said, exited]);
    abort.abort();
    if (failure) {
      throw new P4labError(`host ${this.name}: the image's command ${JSON.stringify(this.#command)} did not start: ${failure.trim()}`, 'check the image\'s ENTRYPOINT and CMD, or the cmd option');
    }
  }

  /** Changes CPU and memory limits of the running container. */
  async update(o: { cpus?: number; memory?: number | string }): Promise<void> {
    await this.#container!.update(limits(this.name, o));
  }

  async destroy(): Promise<void> {
    await this.#container?.remove({ force: true });
  }

  /** Container output so far (the image's command writes here). */
  async logs(): Promise<string> {
    const buf = (await this.#container!.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
    return demuxed(buf);
  }

  /**
   * argv running `cmd` in the container: nsenter into all its namespaces
   * with its root and working directory, after the shell wrapper moved itself
   * into the container's cgroups (so CPU and memory limits apply). The
   * process stays a child of p4lab: its pid, exit status and output are ours
   * to see, and it is as fast as a fork.
   */
  #argv(cmd: string | string[]): string[] {
    const join = 'for f in $P4LAB_CGROUPS; do echo $$ > "$f"; done; exec nsenter -t "$P4LAB_TARGET" -a -r -w -- "$@"';
    return ['sh', '-c', join, 'sh', ...commandArgv(cmd)];
  }

  #env(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const kv of this.#containerEnv) {
      const i = kv.indexOf('=');
      if (i > 0) env[kv.slice(0, i)] = kv.slice(i + 1);
    }
    return { ...env, ...this.options.env, [PROCESS_ENV]: this.network, [HOST_ENV]: this.name, P4LAB_CGROUPS: this.#cgroups.join(' '), P4LAB_TARGET: String(this.#pid) };
  }

  async exec(cmd: string | string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const r = await runRaw(this.#argv(cmd), { env: { ...process.env, ...this.#env() } });
    if (r.code !== 0 && opts.check !== false) throw hostCommandError(this.name, cmd, r);
    return r;
  }

  spawn(argv: string[]): ChildProcess {
    const full = this.#argv(argv);
    return spawn(full[0]!, full.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...this.#env() } });
  }

  background(cmd: string | string[]): HostProcess {
    const logFile = join(this.logDir, `${this.name}.${++this.#spawned}.log`);
    return startProcess(this.network, `host ${this.name}`, this.#argv(cmd), logFile, this.#env());
  }

  hostPath(path: string): string {
    if (path === TOOL_DIR || path.startsWith(TOOL_DIR + '/')) return CONTAINER_TOOL_DIR + path.slice(TOOL_DIR.length);
    for (const v of this.options.volumes ?? []) {
      const [src, dst] = v.split(':');
      if (src && dst && (path === src || path.startsWith(src + '/'))) return dst + path.slice(src.length);
    }
    throw new P4labError(`host ${this.name}: ${path} is not visible in the container`, 'mount its directory with volumes: ["/dir:/dir"]');
  }
}

/** The cgroup.procs files of every cgroup `pid` is in (cgroup v1 hierarchies or v2). */
function cgroupProcFiles(pid: number): string[] {
  const files: string[] = [];
  for (const line of readFileSync(`/proc/${pid}/cgroup`, 'utf8').trim().split('\n')) {
    const [, controllers, path] = line.split(':') as [string, string, string];
    const roots = controllers === '' ? ['/sys/fs/cgroup/unified', '/sys/fs/cgroup'] : [`/sys/fs/cgroup/${controllers.replace(/^name=/, '')}`];
    const file = roots.map((r) => `${r}${path}/cgroup.procs`).find((f) => existsSync(f));
    if (file) files.push(file);
  }
  return files;
}

/** Docker's multiplexed log format: 8-byte frame headers, then the payload. */
function demuxed(buf: Buffer): string {
  let out = '';
  for (let i = 0; i + 8 <= buf.length; ) {
    const len = buf.readUInt32BE(i + 4);
    out += buf.subarray(i + 8, i + 8 + len).toString();
    i += 8 + len;
  }
  return out;
}
