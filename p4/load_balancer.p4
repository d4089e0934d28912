/*
 * load_balancer.p4: P4NFV's stateless load balancer, a random per-packet split
 * over two links.
 *
 *   MyIngress.lb_ingress  exact ingress port → balance (pick one of the two
 *                         uplinks at random) | forward(port) | drop (default)
 *   MyIngress.lb_uplinks  exact choice (0 or 1) → forward(port) | drop (default)
 *   Typical set-up: host-side port → balance; entries 0 → uplink A, 1 → uplink B;
 *   each uplink port → forward(host port) for the return traffic.
 *
 * Used on S1 and S2 in the P4NFV stateful-migration experiment.
 */
#include <core.p4>
#include <v1model.p4>
#include "include/headers.p4"

struct metadata_t {
    bit<1> choice;
}

#include "include/pipeline.p4"

control MyIngress(inout headers_t hdr,
                  inout metadata_t meta,
                  inout standard_metadata_t standard_metadata) {
    action drop() {
        mark_to_drop(standard_metadata);
    }

    action forward(port_t port) {
        standard_metadata.egress_spec = port;
    }

    action balance() {
        random<bit<1>>(meta.choice, 0, 1);
    }

    table lb_ingress {
        key = {
            standard_metadata.ingress_port : exact @name("ingress_port");
        }
        actions = {
            balance;
            forward;
            drop;
        }
        default_action = drop();
        size = 512;
    }

    table lb_uplinks {
        key = {
            meta.choice : exact @name("choice");
        }
        actions = {
            forward;
            drop;
        }
        default_action = drop();
        size = 2;
    }

    apply {
        switch (lb_ingress.apply().action_run) {
            balance: {
                lb_uplinks.apply();
            }
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
