// `p4lab switch`: the software switch, a drop-in for simple_switch_grpc.
import type { Command } from 'commander';
import { P4labError } from '../../errors.js';
import type { SwitchArgs } from '../../switch/main.js';

/** Options that describe one device: with --devices, the file gives them per device. */
const DEVICE_OPTIONS = ['p4', 'deviceId', 'grpcServerAddr', 'interface', 'cpuPort', 'pcap', 'logLevel', 'logFile', 'busyPoll'];

export function registerSwitch(program: Command): void {
  program
    .command('switch')
    .summary('run a P4 software switch (BMv2 JSON, v1model) serving P4Runtime')
    .description(
      'Run a P4 software switch: executes a BMv2 JSON program with v1model semantics on AF_PACKET ports ' +
        'and serves P4Runtime, the p4lab target service (queues, link emulation, port statistics, pcap) ' +
        'and gRPC health on one address. Options mirror simple_switch_grpc, but the default address is loopback.',
    )
    .argument('[program]', 'BMv2 JSON file to run (or --no-p4)')
    .option('--no-p4', 'start without a program; load one with SetForwardingPipelineConfig')
    .option('--device-id <n>', 'P4Runtime device id', '0')
    .option('--grpc-server-addr <host:port>', 'gRPC address (port 0: any free port)', '127.0.0.1:9559')
    .option('-i, --interface <port@iface>', 'bind a port to an interface; repeat for each port', collect, [])
    .option('--cpu-port <n>', 'logical port for packet-in/packet-out (not 0, not 511)')
    .option('--pcap <dir>', 'write <iface>_in.pcap and <iface>_out.pcap per port into this directory')
    .option('--log-level <level>', 'trace, debug, info, warn, error or off', 'info')
    .option('--log-file <file>', 'write the log to this file instead of stderr')
    .option('--busy-poll', 'watch the receive rings instead of sleeping: lowest latency, but one core stays busy')
    .option('--devices <file.json>', 'host several devices in this process, described in a JSON file (see below)')
    .addHelpText(
      'after',
      [
        '',
        'When ready, it prints one line on stdout:',
        '  p4lab-switch ready device=<id> grpc=<addr> ports=<n> rx=<ring|recvmmsg|none>',
        'SIGTERM or SIGINT closes the ports, flushes the pcap files and exits 0.',
        '',
        'Several devices in one process (each with its own ports, device id and gRPC',
        'address, as separate simple_switch_grpc processes; modules load once):',
        '  p4lab switch --devices devices.json',
        'where devices.json is an array of objects keyed by the long options above',
        '("device-id", "grpc-server-addr" (default 127.0.0.1:0), "interface" (an array),',
        '"cpu-port", "program" (absent: --no-p4), "pcap", "log-level", "log-file",\n' +
        '"busy-poll" (true or false)).',
        'It prints a ready line per device, or "p4lab-switch failed device=<id>: <reason>"',
        'with the device\'s log lines on stderr; the other devices keep running.',
        '',
        'Example:',
        '  p4lab switch -i 1@veth1 -i 2@veth2 --grpc-server-addr 127.0.0.1:9559 build/router.json',
      ].join('\n'),
    )
    .action(async (programPath: string | undefined, opts: Omit<SwitchArgs, 'program'> & { devices?: string }, cmd: Command) => {
      if (opts.devices !== undefined) {
        const given = DEVICE_OPTIONS.filter((o) => cmd.getOptionValueSource(o) === 'cli').map((o) => cmd.options.find((x) => x.attributeName() === o)!.long);
        if (programPath !== undefined) given.unshift(`the program ${programPath}`);
        if (given.length) throw new P4labError(`--devices is given with ${given.join(', ')}`, 'put per-device settings in the devices file');
        const { parseDevicesFile, runDevices } = await import('../../switch/devices.js');
        await runDevices(parseDevicesFile(opts.devices));
        return;
      }
      // Loaded on use: other commands need neither gRPC nor the dataplane.
      const { parseSwitchArgs, runSwitch } = await import('../../switch/main.js');
      await runSwitch(parseSwitchArgs({ ...opts, program: programPath }));
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
