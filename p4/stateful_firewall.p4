/*
 * stateful_firewall.p4: P4NFV's stateful firewall.
 *
 * Every IPv4 packet is hashed on (src IP, dst IP, protocol) into one of
 * FLOW_SLOTS flow slots. The flow's fingerprint is its packet inter-arrival
 * rate, kept as the mean gap between packets (an exponentially weighted moving
 * average, weight 1/8, in microseconds). Once a flow has sent FW_WARMUP
 * packets, a mean gap below the threshold (i.e. a rate above 10^6 / threshold
 * packets per second) marks the flow blocked; blocked flows are dropped.
 *
 *   Registers (index = flow slot unless noted; all readable/writable by the
 *   controller so a firewall's state can migrate to another switch):
 *     MyIngress.fw_blocked    bit<1>   1 = flow blocked
 *     MyIngress.fw_last_seen  bit<48>  ingress timestamp of the last packet (µs)
 *     MyIngress.fw_mean_gap   bit<32>  mean inter-arrival gap (µs)
 *     MyIngress.fw_packets    bit<32>  packets seen (saturating)
 *     MyIngress.fw_threshold  bit<32>  [index 0] minimum allowed mean gap (µs); 0 = never block
 *   MyIngress.ipv4_lpm  lpm dst IP → set_nhop(src_mac, dst_mac, port) | drop (default)
 *
 * Used by the P4NFV stateful-migration experiment (firewall S1 → S5) and the
 * runtime-reconfiguration experiment (F_B blocked across the migration).
 */
#include <core.p4>
#include <v1model.p4>
#include "include/headers.p4"

const bit<32> FLOW_SLOTS = 4096;
const bit<32> FW_WARMUP  = 8;

struct metadata_t {
    bit<32> flow_idx;
    bit<1>  blocked;
    bit<48> last_seen;
    bit<48> delta;
    bit<32> gap;
    bit<32> mean_gap;
    bit<32> packets;
    bit<32> threshold;
}

#include "include/pipeline.p4"

control MyIngress(inout headers_t hdr,
                  inout metadata_t meta,
                  inout standard_metadata_t standard_metadata) {
    register<bit<1>>(FLOW_SLOTS) fw_blocked;
    register<bit<48>>(FLOW_SLOTS) fw_last_seen;
    register<bit<32>>(FLOW_SLOTS) fw_mean_gap;
    register<bit<32>>(FLOW_SLOTS) fw_packets;
    register<bit<32>>(1) fw_threshold;

    action drop() {
        mark_to_drop(standard_metadata);
    }

    action set_nhop(mac_addr_t src_mac, mac_addr_t dst_mac, port_t port) {
        hdr.ethernet.src_addr = src_mac;
        hdr.ethernet.dst_addr = dst_mac;
        standard_metadata.egress_spec = port;
        hdr.ipv4.ttl = hdr.ipv4.ttl - 1;
    }

    table ipv4_lpm {
        key = {
            hdr.ipv4.dst_addr : lpm @name("dst_addr");
        }
        actions = {
            set_nhop;
            drop;
        }
        default_action = drop();
        size = 1024;
    }

    action compute_flow_index() {
        hash(meta.flow_idx, HashAlgorithm.crc32, (bit<32>)0,
             { hdr.ipv4.src_addr, hdr.ipv4.dst_addr, hdr.ipv4.protocol }, FLOW_SLOTS);
    }

    apply {
        if (!hdr.ipv4.isValid() || standard_metadata.checksum_error == 1 || hdr.ipv4.ttl <= 1) {
            drop();
            exit;
        }
        compute_flow_index();
        fw_blocked.read(meta.blocked, meta.flow_idx);
        if (meta.blocked == 0) {
            fw_last_seen.read(meta.last_seen, meta.flow_idx);
            fw_mean_gap.read(meta.mean_gap, meta.flow_idx);
            fw_packets.read(meta.packets, meta.flow_idx);
            fw_threshold.read(meta.threshold, 0);

            // Gap to the previous packet, saturated to 32 bits.
            meta.delta = standard_metadata.ingress_global_timestamp - meta.last_seen;
            meta.gap = 0xFFFFFFFF;
            if (meta.delta < 0xFFFFFFFF) {
                meta.gap = (bit<32>)meta.delta;
            }
            if (meta.packets == 1) {
                meta.mean_gap = meta.gap;
            } else if (meta.packets > 1) {
                meta.mean_gap = meta.mean_gap - (meta.mean_gap >> 3) + (meta.gap >> 3);
            }
            meta.packets = meta.packets |+| 1;

            fw_last_seen.write(meta.flow_idx, standard_metadata.ingress_global_timestamp);
            fw_mean_gap.write(meta.flow_idx, meta.mean_gap);
            fw_packets.write(meta.flow_idx, meta.packets);

            if (meta.threshold != 0 && meta.packets >= FW_WARMUP && meta.mean_gap < meta.threshold) {
                meta.blocked = 1;
                fw_blocked.write(meta.flow_idx, 1);
            }
        }
        if (meta.blocked == 1) {
            drop();
            exit;
        }
        ipv4_lpm.apply();
    }
}

control MyEgress(inout headers_t hdr,
                 inout metadata_t meta,
                 inout standard_metadata_t standard_metadata) {
    apply { }
}

V1Switch(CommonParser(),
         Ipv4ChecksumVerify(),
         MyIngress(),
         MyEgress(),
         Ipv4ChecksumCompute(),
         CommonDeparser()) main;
