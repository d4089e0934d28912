// A process that started a network is killed with SIGKILL (as a notebook
// kernel dies); `p4lab cleanup` then removes every namespace, interface,
// container and process of that network, and nothing that p4lab did not create.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, findLeftovers, isEmpty } from '../../kernel-lib/emulation/cleanup.js';
import { dockerAvailable } from '../../kernel-lib/emulation/docker/engine.js';
import { imageExists, loadRecipe } from '../../kernel-lib/emulation/docker/images.js';
import { deviceGroup } from '../../kernel-lib/emulation/naming.js';
import { runRaw } from '../../kernel-lib/emulation/run.js';
import { p4lab, requireBuild, waitForStdout } from './helpers.js';

const NET = 'etest-kill';
const FOREIGN_BRIDGE = 'etkillforeign';
const FOREIGN_NS = 'etest-kill-foreign';
/** Not p4lab's, but in the network's device group: cleanup must not delete the group wholesale. */
const FOREIGN_IN_GROUP = 'etkillgroup';
const image = loadRecipe('vnf-base').tag;
const withDocker = (await dockerAvailable()) && (await imageExists(image));

describe('kill -9, then p4lab cleanup', () => {
  beforeAll(async () => {
    requireBuild();
    await cleanup(NET);
    await runRaw(['ip', 'link', 'add', FOREIGN_BRIDGE, 'type', 'bridge']);
    await runRaw(['ip', 'netns', 'add', FOREIGN_NS]);
    await runRaw(['ip', 'link', 'add', FOREIGN_IN_GROUP, 'type', 'bridge']);
    await runRaw(['ip', 'link', 'set', 'dev', FOREIGN_IN_GROUP, 'group', String(deviceGroup(NET))]);
  });
  afterAll(async () => {
    await cleanup(NET);
    await runRaw(['ip', 'link', 'del', FOREIGN_BRIDGE]);
    await runRaw(['ip', 'netns', 'del', FOREIGN_NS]);
    await runRaw(['ip', 'link', 'del', FOREIGN_IN_GROUP]);
  });

  it(`leaves zero namespaces, interfaces, processes${withDocker ? ' and containers' : ''} of the network, and foreign ones alone`, async () => {
    const holder = spawn(process.execPath, [fileURLToPath(new URL('./fixtures/hold-network.mjs', import.meta.url)), NET, ...(withDocker ? [image] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
    await waitForStdout(holder, /^started$/m);

    const before = await findLeftovers(NET);
    expect(before.namespaces.sort()).toEqual([`p4lab.${NET}.h1`, `p4lab.${NET}.h2`, `p4lab.${NET}.h3`]);
    expect(before.interfaces.length).toBe(withDocker ? 5 : 4); // the bridge, its ports, the switch port
    expect(before.processes.length).toBeGreaterThanOrEqual(2); // the switch, sleep in h1
    expect(before.containers.length).toBe(withDocker ? 1 : 0);

    holder.kill('SIGKILL');
    await new Promise((r) => holder.on('exit', r));

    const r = await p4lab('cleanup', NET);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`network ${NET}: removed .*namespace\\(s\\), a run directory`));

    expect(isEmpty(await findLeftovers(NET))).toBe(true);
    expect(existsSync(`/sys/class/net/${FOREIGN_BRIDGE}`)).toBe(true);
    expect(existsSync(`/run/netns/${FOREIGN_NS}`)).toBe(true);
    expect(existsSync(`/sys/class/net/${FOREIGN_IN_GROUP}`)).toBe(true);
  });

  it('wants a network name or --all', async () => {
    const r = await p4lab('cleanup');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('p4lab: give a network name or --all (not both)\n  fix: e.g. `p4lab cleanup lab1` or `p4lab cleanup --all`\n');
  });
});
