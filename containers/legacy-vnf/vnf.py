#!/usr/bin/env python3
"""A legacy VNF: static NAT or a blocking firewall in Python/Scapy, the
baseline P4NFV compares P4 NFs with. It runs "on a stick" on one interface
of a vnf-base container: the switch steers the flow to it, it rewrites or
drops each packet, and sends the rest back to the switch.

Its state lives in memory; SIGTERM writes it to --state and exits, and a
start with --state reads it back: migration is stop, copy the file, start
elsewhere.

  vnf.py --nf nat --nat 10.1.1.2=198.51.100.1 --state /p4lab-vnf/d1.json
  vnf.py --nf firewall --block 10.1.2.2,10.5.1.2 --state /p4lab-vnf/d1.json
"""
import argparse
import json
import os
import signal
import sys

from scapy.all import IP, UDP, Ether, conf, sniff

ap = argparse.ArgumentParser()
ap.add_argument('--nf', choices=['nat', 'firewall'], required=True)
ap.add_argument('--iface', default='eth0')
ap.add_argument('--state', required=True, help='JSON file: read at start if present, written on SIGTERM')
ap.add_argument('--nat', action='append', default=[], help='PRIVATE=PUBLIC')
ap.add_argument('--block', action='append', default=[], help='SRC,DST: UDP flow to drop')
args = ap.parse_args()

state = {'nat': dict(r.split('=') for r in args.nat), 'blocked': [b.replace(',', '>') + '>17' for b in args.block], 'forwarded': 0, 'dropped': 0}
if os.path.exists(args.state):
    with open(args.state) as f:
        state = json.load(f)
blocked = set(state['blocked'])

own_mac = open(f'/sys/class/net/{args.iface}/address').read().strip()
out = conf.L2socket(iface=args.iface)


def save_and_exit(*_):
    tmp = args.state + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(dict(state, blocked=sorted(blocked)), f)
    os.replace(tmp, args.state)
    sys.exit(0)


signal.signal(signal.SIGTERM, save_and_exit)


def handle(p):
    ip = p[IP]
    if args.nf == 'firewall':
        if f'{ip.src}>{ip.dst}>{ip.proto}' in blocked:
            state['dropped'] += 1
            return
    elif ip.src in state['nat']:
        ip.src = state['nat'][ip.src]
        del ip.chksum
        del p[UDP].chksum
    # Any destination MAC but ours: the switch forwards by port, and our own
    # frames must not look like the ones we process.
    p[Ether].dst = '02:00:00:00:00:00'
    out.send(p)
    state['forwarded'] += 1


print('ready', flush=True)
# No BPF filter: it would need tcpdump in the image.
sniff(iface=args.iface, store=False, prn=handle, lfilter=lambda p: p.haslayer(UDP) and p[Ether].dst == own_mac)
