/*
 * nat.p4: static (1:1) IPv4 network address translation, table-driven.
 *
 *   MyIngress.nat_outbound  exact src IP (private) → snat(public_addr) | NoAction
 *   MyIngress.nat_inbound   exact dst IP (public)  → dnat(private_addr) | NoAction
 *   MyIngress.ipv4_lpm      lpm dst IP (after translation)
 *                           → set_nhop(src_mac, dst_mac, port) | drop (default)
 *   The IPv4 checksum is recomputed, and so are the TCP and UDP checksums
 *   (over the pseudo header, the L4 header and the payload); a UDP checksum of 0
 *   (none) is left at 0.
 *
 * Used by the P4NFV stateless-migration experiment (NAT on S1, then S3).
 */
#include <core.p4>
#include <v1model.p4>
#include "include/headers.p4"

struct metadata_t {
    bit<16> l4_len;   // TCP segment length, for the TCP pseudo header
}

#include "include/pipeline.p4"

control MyIngress(inout headers_t hdr,
                  inout metadata_t meta,
                  inout standard_metadata_t standard_metadata) {
    action drop() {
        mark_to_drop(standard_metadata);
    }

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

    apply {
        if (!hdr.ipv4.isValid() || standard_metadata.checksum_error == 1 || hdr.ipv4.ttl <= 1) {
            drop();
            exit;
        }
        nat_outbound.apply();
        nat_inbound.apply();
        ipv4_lpm.apply();
        meta.l4_len = hdr.ipv4.total_len - ((bit<16>)hdr.ipv4.ihl << 2);
    }
}

control MyEgress(inout headers_t hdr,
                 inout metadata_t meta,
                 inout standard_metadata_t standard_metadata) {
    apply { }
}

control NatChecksumCompute(inout headers_t hdr, inout metadata_t meta) {
    apply {
        update_checksum(hdr.ipv4.isValid(),
            { hdr.ipv4.version, hdr.ipv4.ihl, hdr.ipv4.dscp, hdr.ipv4.ecn,
              hdr.ipv4.total_len, hdr.ipv4.identification, hdr.ipv4.flags,
              hdr.ipv4.frag_offset, hdr.ipv4.ttl, hdr.ipv4.protocol,
              hdr.ipv4.src_addr, hdr.ipv4.dst_addr },
            hdr.ipv4.hdr_checksum, HashAlgorithm.csum16);
        update_checksum_with_payload(hdr.tcp.isValid(),
            { hdr.ipv4.src_addr, hdr.ipv4.dst_addr, 8w0, hdr.ipv4.protocol, meta.l4_len,
              hdr.tcp.src_port, hdr.tcp.dst_port, hdr.tcp.seq_no, hdr.tcp.ack_no,
              hdr.tcp.data_offset, hdr.tcp.reserved, hdr.tcp.flags, hdr.tcp.window,
              hdr.tcp.urgent_ptr },
            hdr.tcp.checksum, HashAlgorithm.csum16);
        update_checksum_with_payload(hdr.udp.isValid() && hdr.udp.checksum != 0,
            { hdr.ipv4.src_addr, hdr.ipv4.dst_addr, 8w0, hdr.ipv4.protocol, hdr.udp.length,
              hdr.udp.src_port, hdr.udp.dst_port, hdr.udp.length },
            hdr.udp.checksum, HashAlgorithm.csum16);
    }
}

V1Switch(CommonParser(),
         Ipv4ChecksumVerify(),
         MyIngress(),
         MyEgress(),
         NatChecksumCompute(),
         CommonDeparser()) main;
