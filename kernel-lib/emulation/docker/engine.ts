// The Docker engine, through dockerode: one client, reachability with a clear
// error, and the containers of a network found by label. dockerode is loaded
// on first use: it is slow to load and most runs (every CLI command, switch
// processes, namespace-only networks) never need it.
import { request } from 'node:http';
import type Docker from 'dockerode';
import { P4labError } from '../../errors.js';
import { CONTAINER_LABEL } from '../naming.js';

const SOCKET = '/var/run/docker.sock';
let client: Docker | undefined;

export async function docker(): Promise<Docker> {
  if (!client) {
    const { default: Dockerode } = await import('dockerode');
    client ??= new Dockerode({ socketPath: SOCKET });
  }
  return client;
}

/** Throws a P4labError saying how to start Docker when the engine does not answer. */
export async function requireDocker(what: string): Promise<Docker> {
  const d = await docker();
  try {
    await d.ping();
  } catch (e) {
    throw new P4labError(
      `${what} needs the Docker engine, which does not answer at ${SOCKET} (${(e as Error).message})`,
      'run `npm run setup` (scripts/setup.d/40-docker.sh starts dockerd), or use backend: netns',
    );
  }
  return d;
}

/** Whether the engine answers (for cleanup, which must work without Docker). */
export async function dockerAvailable(): Promise<boolean> {
  try {
    await (await docker()).ping();
    return true;
  } catch {
    return false;
  }
}

/**
 * Ids of the containers labelled with the network (any network when
 * undefined); none when the engine does not answer. Every start and stop asks
 * this, so it is one request on the engine's socket, without loading dockerode.
 */
export function containersOfNetwork(network: string | undefined): Promise<string[]> {
  const label = network === undefined ? CONTAINER_LABEL : `${CONTAINER_LABEL}=${network}`;
  const path = `/containers/json?all=1&filters=${encodeURIComponent(JSON.stringify({ label: [label] }))}`;
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: SOCKET, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new P4labError(`the Docker engine refused to list containers (HTTP ${res.statusCode}): ${body.trim()}`, 'check that dockerd runs and is healthy (`docker ps`)'));
        resolve((JSON.parse(body) as Array<{ Id: string }>).map((c) => c.Id));
      });
    });
    req.on('error', () => resolve([])); // no engine: no containers
    req.end();
  });
}

export async function removeContainer(id: string): Promise<void> {
  try {
    await (await docker()).getContainer(id).remove({ force: true });
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode !== 404) throw e;
  }
}
