/*
 * p4nfv_all_in_one.p4: P4NFV's pipeline for reconfiguration by pipeline
 * manipulation (PM). One program holds five NF blocks; each is guarded by a
 * 1-bit flag in the register MyIngress.nf_enabled, read at the start of
 * ingress (flag 0 = the block is skipped; registers start at 0, so the
 * controller enables the NFs it wants):
 *
 *   index 0  NF_FIREWALL  stateful firewall, as in stateful_firewall.p4
 *                         (registers fw_blocked, fw_last_seen, fw_mean_gap,
 *                         fw_packets, fw_threshold, same names and meaning)
 *   index 1  NF_ACL       acl: ternary (src IP, dst IP, protocol) → deny | allow
 *   index 2  NF_NAT       nat_outbound / nat_inbound, as in nat.p4
 *   index 3  NF_IP_FWD    ipv4_lpm: lpm dst IP → set_nhop(src_mac, dst_mac, port) | drop
 *   index 4  NF_MAC_FWD   mac_forward: exact ingress port → rewrite(src_mac, dst_mac, port)
 *                         (P4NFV's packet forwarder; applied when IP forwarding did not
 *                         choose a port)
 *
 * Blocks run in that order. Used by the P4NFV migration experiments (PM method).
 */
#include <core.p4>
#include <v1model.p4>
#include "include/headers.p4"

const bit<32> NF_FIREWALL = 0;
const bit<32> NF_ACL      = 1;
const bit<32> NF_NAT      = 2;
const bit<32> NF_IP_FWD   = 3;
const bit<32> NF_MAC_FWD  = 4;
const bit<32> NF_COUNT    = 5;

const bit<32> FLOW_SLOTS = 4096;
const bit<32> FW_WARMUP  = 8;

struct metadata_t {
    bit<1>  firewall_on;
    bit<1>  acl_on;
    bit<1>  nat_on;
    bit<1>  ip_fwd_on;
    bit<1>  mac_fwd_on;
    bit<1>  routed;
    bit<16> l4_len;
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
    register<bit<1>>(NF_COUNT) nf_enabled;

    register<bit<1>>(FLOW_SLOTS) fw_blocked;
    register<bit<48>>(FLOW_SLOTS) fw_last_seen;
    register<bit<32>>(FLOW_SLOTS) fw_mean_gap;
    register<bit<32>>(FLOW_SLOTS) fw_packets;
    register<bit<32>>(1) fw_threshold;

    action drop() {
        mark_to_drop(standard_metadata);
    }

    action read_nf_flags() {
        nf_enabled.read(meta.firewall_on, NF_FIREWALL);
        nf_enabled.read(meta.acl_on, NF_ACL);
        nf_enabled.read(meta.nat_on, NF_NAT);
        nf_enabled.read(meta.ip_fwd_on, NF_IP_FWD);
        nf_enabled.read(meta.mac_fwd_on, NF_MAC_FWD);
    }

    // ---- firewall ----
    action compute_flow_index() {
        hash(meta.flow_idx, HashAlgorithm.crc32, (bit<32>)0,
             { hdr.ipv4.src_addr, hdr.ipv4.dst_addr, hdr.ipv4.protocol }, FLOW_SLOTS);
    }

    // ---- ACL ----
    action allow() {
    }

    action deny() {
        mark_to_drop(standard_metadata);
    }

    table acl {
        key = {
            hdr.ipv4.src_addr : ternary @name("src_addr");
            hdr.ipv4.dst_addr : ternary @name("dst_addr");
            hdr.ipv4.protocol : ternary @name("protocol");
        }
        actions = {
            allow;
            deny;
        }
        default_action = allow();
        size = 256;
    }

    // ---- NAT ----
    action snat(ipv4_addr_t public_addr) {
        hdr.ipv4.src_addr = public_addr;
    }

    action dnat(ipv4_addr_t private_addr) {
        hdr.ipv4.dst_addr = private_addr;
    }

    table nat_outbound {
        key = {
            hdr.ipv4.src_addr : exact @name("private_addr");
        }
        actions = {
            snat;
            NoAction;
        }
        default_action = NoAction();
        size = 1024;
    }

    table nat_inbound {
        key = {
            hdr.ipv4.dst_addr : exact @name("public_addr");
        }
        actions = {
            dnat;
            NoAction;
        }
        default_action = NoAction();
        size = 1024;
    }

    // ---- IP forwarding ----
    action set_nhop(mac_addr_t src_mac, mac_addr_t dst_mac, port_t port) {
        hdr.ethernet.src_addr = src_mac;
        hdr.ethernet.dst_addr = dst_mac;
        standard_metadata.egress_spec = port;
        hdr.ipv4.ttl = hdr.ipv4.ttl - 1;
        meta.routed = 1;
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

    // ---- MAC forwarding ----
    action rewrite(mac_addr_t src_mac, mac_addr_t dst_mac, port_t port) {
        hdr.ethernet.src_addr = src_mac;
        hdr.ethernet.dst_addr = dst_mac;
        standard_metadata.egress_spec = port;
    }

    table mac_forward {
        key = {
            standard_metadata.ingress_port : exact @name("ingress_port");
        }
        actions = {
            rewrite;
            drop;
        }
        default_action = drop();
        size = 512;
    }

    apply {
        read_nf_flags();

        if (hdr.ipv4.isValid()) {
            if (standard_metadata.checksum_error == 1) {
                drop();
                exit;
            }

            if (meta.firewall_on == 1) {
                compute_flow_index();
                fw_blocked.read(meta.blocked, meta.flow_idx);
                if (meta.blocked == 0) {
                    fw_last_seen.read(meta.last_seen, meta.flow_idx);
                    fw_mean_gap.read(meta.mean_gap, meta.flow_idx);
                    fw_packets.read(meta.packets, meta.flow_idx);
                    fw_threshold.read(meta.threshold, 0);
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
            }

            if (meta.acl_on == 1) {
                switch (acl.apply().action_run) {
                    deny: {
                        exit;
                    }
                }
            }

            if (meta.nat_on == 1) {
                nat_outbound.apply();
                nat_inbound.apply();
            }

            if (meta.ip_fwd_on == 1) {
                if (hdr.ipv4.ttl <= 1) {
                    drop();
                    exit;
                }
                ipv4_lpm.apply();
            }
            meta.l4_len = hdr.ipv4.total_len - ((bit<16>)hdr.ipv4.ihl << 2);
        }

        if (meta.mac_fwd_on == 1 && meta.routed == 0) {
            mac_forward.apply();
        }
    }
}

control MyEgress(inout headers_t hdr,
                 inout metadata_t meta,
                 inout standard_metadata_t standard_metadata) {
    apply { }
}

/* IPv4 checksum always; TCP/UDP checksums too, as NAT may have rewritten addresses. */
control AllInOneChecksumCompute(inout headers_t hdr, inout metadata_t meta) {
    apply {
        update_checksum(hdr.ipv4.isValid(),
            { hdr.ipv4.version, hdr.ipv4.ihl, hdr.ipv4.dscp, hdr.ipv4.ecn,
              hdr.ipv4.total_len, hdr.ipv4.identification, hdr.ipv4.flags,
              hdr.ipv4.frag_offset, hdr.ipv4.ttl, hdr.ipv4.protocol,
              hdr.ipv4.src_addr, hdr.ipv4.dst_addr },
            hdr.ipv4.hdr_checksum, HashAlgorithm.csum16);
        update_checksum_with_payload(hdr.tcp.isValid() && meta.nat_on == 1,
            { hdr.ipv4.src_addr, hdr.ipv4.dst_addr, 8w0, hdr.ipv4.protocol, meta.l4_len,
              hdr.tcp.src_port, hdr.tcp.dst_port, hdr.tcp.seq_no, hdr.tcp.ack_no,
              hdr.tcp.data_offset, hdr.tcp.reserved, hdr.tcp.flags, hdr.tcp.window,
              hdr.tcp.urgent_ptr },
            hdr.tcp.checksum, HashAlgorithm.csum16);
        update_checksum_with_payload(hdr.udp.isValid() && hdr.udp.checksum != 0 && meta.nat_on == 1,
            { hdr.ipv4.src_addr, hdr.ipv4.dst_addr, 8w0, hdr.ipv4.protocol, hdr.udp.length,
              hdr.udp.src_port, hdr.udp.dst_port, hdr.udp.length },
            hdr.udp.checksum, HashAlgorithm.csum16);
    }
}

V1Switch(CommonParser(),
         Ipv4ChecksumVerify(),
         MyIngress(),
         MyEgress(),
         AllInOneChecksumCompute(),
         CommonDeparser()) main;
