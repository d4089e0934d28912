// The Docker engine, through dockerode: one client, reachability with a clear
// error, and the containers of a network found by label. dockerode is loaded
// on first use: it is slow to load and most runs (every CLI command, switch
// processes, namespace-only networks) never need it.
import type Docker from 'dockerode';
import { P4labError } from '../../errors.js';
import { CONTAINER_LABEL } from '../naming.js';

let client: Docker | undefined;

export async function docker(): Promise<Docker> {
  if (!client) {
    const { default: Dockerode } = await import('dockerode');
    client ??= new Dockerode({ socketPath: '/var/run/docker.sock' });
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
      `${what} needs the Docker engine, which does not answer at /var/run/docker.sock (${(e as Error).message})`,
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

/** Ids of the containers labelled with the network (any network when undefined). */
export async function containersOfNetwork(network: string | undefined): Promise<string[]> {
  if (!(await dockerAvailable())) return [];
  const label = network === undefined ? CONTAINER_LABEL : `${CONTAINER_LABEL}=${network}`;
  const list = await (await docker()).listContainers({ all: true, filters: { label: [label] } });
  return list.map((c) => c.Id);
}

export async function removeContainer(id: string): Promise<void> {
  try {
    await (await docker()).getContainer(id).remove({ force: true });
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode !== 404) throw e;
  }
}
