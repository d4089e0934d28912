/*
 * ipv4_router.p4: an IPv4 router.
 *
 *   MyIngress.ipv4_lpm  lpm dst IP → set_nhop(src_mac, dst_mac, port) | drop
 *                       (default: drop on miss). set_nhop rewrites both MACs,
 *                       sets the output port and decrements the TTL.
 *   Packets with a bad IPv4 header checksum or a TTL of 0 or 1 are dropped;
 *   the checksum is recomputed on the way out.
 *
 * Used by the P4NFV general-performance and migration topologies (IP forwarding).
 */
#include <core.p4>
#include <v1model.p4>
#include "include/headers.p4"

struct metadata_t {
}

#include "include/pipeline.p4"

control MyIngress(inout headers_t hdr,
                  inout metadata_t meta,
                  inout standard_metadata_t standard_metadata) {
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

    apply {
        if (!hdr.ipv4.isValid() || standard_metadata.checksum_error == 1 || hdr.ipv4.ttl <= 1) {
            drop();
        } else {
            ipv4_lpm.apply();
        }
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
