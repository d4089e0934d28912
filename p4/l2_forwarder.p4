/*
 * l2_forwarder.p4: an Ethernet learning switch.
 *
 *   MyIngress.smac  exact src MAC → NoAction (known) | learn (default): sends a
 *                   mac_learn_digest_t {src MAC, ingress port} to the controller,
 *                   which then adds entries to smac and dmac.
 *   MyIngress.dmac  exact dst MAC → forward(port) | flood(group) (default, group 1)
 *                   | drop. Flooding uses a multicast group holding every port;
 *                   the copy back to the ingress port is dropped in egress.
 *   packet_out      a controller packet is sent out of packet_out.egress_port.
 *
 * Used as the plain forwarding element of the topologies in the experiments
 * (PacketOut / digest walkthroughs of the teaching labs).
 */
#include <core.p4>
#include <v1model.p4>
#include "include/headers.p4"

struct mac_learn_digest_t {
    mac_addr_t src_addr;
    port_t     ingress_port;
}

struct metadata_t {
}

#include "include/pipeline.p4"

control MyIngress(inout headers_t hdr,
                  inout metadata_t meta,
                  inout standard_metadata_t standard_metadata) {
    action drop() {
        mark_to_drop(standard_metadata);
    }

    action learn() {
        digest<mac_learn_digest_t>(1, { hdr.ethernet.src_addr, standard_metadata.ingress_port });
    }

    table smac {
        key = {
            hdr.ethernet.src_addr : exact @name("src_addr");
        }
        actions = {
            learn;
            NoAction;
        }
        default_action = learn();
        size = 4096;
    }

    action forward(port_t port) {
        standard_metadata.egress_spec = port;
    }

    action flood(bit<16> group) {
        standard_metadata.mcast_grp = group;
    }

    table dmac {
        key = {
            hdr.ethernet.dst_addr : exact @name("dst_addr");
        }
        actions = {
            forward;
            flood;
            drop;
        }
        default_action = flood(1);
        size = 4096;
    }

    apply {
        if (hdr.packet_out.isValid()) {
            standard_metadata.egress_spec = hdr.packet_out.egress_port;
            hdr.packet_out.setInvalid();
            exit;
        }
        if (!hdr.ethernet.isValid()) {
            drop();
            exit;
        }
        smac.apply();
        dmac.apply();
    }
}

control MyEgress(inout headers_t hdr,
                 inout metadata_t meta,
                 inout standard_metadata_t standard_metadata) {
    apply {
        // A flooded copy never goes back out of the port it came in on.
        if (standard_metadata.instance_type == INSTANCE_TYPE_REPLICATION &&
            standard_metadata.egress_port == standard_metadata.ingress_port) {
            mark_to_drop(standard_metadata);
        }
    }
}

V1Switch(CommonParser(),
         Ipv4ChecksumVerify(),
         MyIngress(),
         MyEgress(),
         Ipv4ChecksumCompute(),
         CommonDeparser()) main;
