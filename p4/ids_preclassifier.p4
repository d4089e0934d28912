/*
 * ids_preclassifier.p4: FOP4's hybrid-IDS pre-classifier. The switch sorts
 * TCP traffic into classes and steers each class to the container IDS
 * specialised for it; everything else is forwarded normally.
 *
 *   MyIngress.ids_classify  const entries on (IPv4 protocol, TCP dst port):
 *                           (6, 80) → set_class(CLASS_HTTP), (6, 22) → set_class(CLASS_SSH)
 *   MyIngress.ids_steer     exact class → steer(port) (e.g. 1 → HTTP IDS port,
 *                           2 → SSH IDS port) | NoAction (default)
 *   MyIngress.ipv4_lpm      lpm dst IP → set_nhop(src_mac, dst_mac, port) | drop (default),
 *                           for traffic that is not steered
 *
 * Used by the FOP4 hybrid-IDS scenario.
 */
#include <core.p4>
#include <v1model.p4>
#include "include/headers.p4"

const bit<8> CLASS_NONE = 0;
const bit<8> CLASS_HTTP = 1;
const bit<8> CLASS_SSH  = 2;

struct metadata_t {
    bit<8>  ids_class;
    bit<16> tcp_dst_port;
}

#include "include/pipeline.p4"

control MyIngress(inout headers_t hdr,
                  inout metadata_t meta,
                  inout standard_metadata_t standard_metadata) {
    action drop() {
        mark_to_drop(standard_metadata);
    }

    action set_class(bit<8> ids_class) {
        meta.ids_class = ids_class;
    }

    table ids_classify {
        key = {
            hdr.ipv4.protocol : exact @name("protocol");
            meta.tcp_dst_port : exact @name("dst_port");
        }
        actions = {
            set_class;
            NoAction;
        }
        const entries = {
            (IP_PROTO_TCP, 80) : set_class(CLASS_HTTP);
            (IP_PROTO_TCP, 22) : set_class(CLASS_SSH);
        }
        default_action = NoAction();
    }

    action steer(port_t port) {
        standard_metadata.egress_spec = port;
    }

    table ids_steer {
        key = {
            meta.ids_class : exact @name("ids_class");
        }
        actions = {
            steer;
            NoAction;
        }
        default_action = NoAction();
        size = 16;
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
        if (hdr.tcp.isValid()) {
            meta.tcp_dst_port = hdr.tcp.dst_port;
            ids_classify.apply();
        }
        if (meta.ids_class != CLASS_NONE) {
            if (ids_steer.apply().hit) {
                exit;
            }
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
