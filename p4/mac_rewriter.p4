/*
 * mac_rewriter.p4: P4NFV's packet forwarder.
 *
 *   MyIngress.ip_forward    exact dst IP       → rewrite(src_mac, dst_mac, port) | drop
 *   MyIngress.port_forward  exact ingress port → rewrite(src_mac, dst_mac, port) | drop
 *   IPv4 packets are matched on their destination first; packets that miss
 *   (and non-IPv4 packets) are forwarded by ingress port; a miss in both drops.
 *
 * Used as the forwarder NF on S1 in the P4NFV general-performance experiment.
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

    action rewrite(mac_addr_t src_mac, mac_addr_t dst_mac, port_t port) {
        hdr.ethernet.src_addr = src_mac;
        hdr.ethernet.dst_addr = dst_mac;
        standard_metadata.egress_spec = port;
    }

    table ip_forward {
        key = {
            hdr.ipv4.dst_addr : exact @name("dst_addr");
        }
        actions = {
            rewrite;
            drop;
            NoAction;
        }
        default_action = NoAction();
        size = 1024;
    }

    table port_forward {
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
        if (!hdr.ethernet.isValid()) {
            drop();
            exit;
        }
        if (hdr.ipv4.isValid()) {
            if (ip_forward.apply().hit) {
                exit;
            }
        }
        port_forward.apply();
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
