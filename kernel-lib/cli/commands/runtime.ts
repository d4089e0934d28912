// `p4lab runtime`: applies a BMv2 runtime-CLI command file (what tutorials pipe
// into simple_switch_CLI) to a running switch over P4Runtime.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { P4labError } from '../../errors.js';

interface RuntimeOpts {
  address: string;
  deviceId: string;
  electionId: string;
  thriftPort?: string;
  connectTimeout: string;
}

export function registerRuntime(program: Command): void {
  program
    .command('runtime')
    .summary('apply a runtime-CLI command file (table_add, register_write, mc_*, …) to a switch')
    .description(
      'Apply BMv2 runtime-CLI commands, as the p4lang tutorials, p4-utils and FOP4 feed them to simple_switch_CLI, ' +
        'to a running switch over P4Runtime: table_add/set_default/modify/delete/clear, register_read/write/reset, ' +
        'counter_read/reset, meter_set_rates, mirroring_add/delete, mc_mgrp_create, mc_node_create, mc_node_associate, ' +
        'set_queue_rate and set_queue_depth. Names may be short (ipv4_lpm for MyIngress.ipv4_lpm). The switch must ' +
        'already run a program with its P4Info. Output of read commands goes to stdout; the first failing line stops the run.',
    )
    .argument('[file]', 'the command file (default: standard input)')
    .option('--address <host:port>', 'the switch P4Runtime address', '127.0.0.1:9559')
    .option('--device-id <n>', 'P4Runtime device id', '0')
    .option('--election-id <n>', 'election id; must be the highest connected to write', '1')
    .option('--connect-timeout <ms>', 'give up when the switch does not answer within this time', '10000')
    .option('--thrift-port <n>', 'the switch is a real BMv2: registers and queues go through simple_switch_CLI on this port')
    .addHelpText('after', ['', 'Example:', '  p4lab runtime --address 127.0.0.1:9559 --device-id 1 s1-commands.txt'].join('\n'))
    .action(async (file: string | undefined, opts: RuntimeOpts) => {
      const text = readInput(file);
      const deviceId = whole(opts.deviceId, '--device-id');
      const electionId = whole(opts.electionId, '--election-id');
      const thrift = opts.thriftPort === undefined ? undefined : { port: Number(whole(opts.thriftPort, '--thrift-port')) };
      // Loaded on use: other commands need no gRPC.
      const { Switch } = await import('../../p4runtime/client/switch.js');
      const connectTimeoutMs = Number(whole(opts.connectTimeout, '--connect-timeout'));
      const sw = await Switch.connect(opts.address, { deviceId, electionId, thrift, connectTimeoutMs });
      try {
        for (const result of await sw.runCommands(text, file ?? 'stdin')) {
          if (result.output !== undefined) process.stdout.write(`${result.output}\n`);
        }
      } finally {
        await sw.close();
      }
    });
}

function readInput(file: string | undefined): string {
  try {
    return readFileSync(file ?? 0, 'utf8');
  } catch (e) {
    throw new P4labError(`cannot read ${file ?? 'standard input'} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 'give the path of a command file');
  }
}

function whole(text: string, option: string): bigint {
  if (!/^\d+$/.test(text)) throw new P4labError(`${option} '${text}' is not a whole number`, `e.g. ${option} 1`);
  return BigInt(text);
}
