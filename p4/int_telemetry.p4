/*
 * int_telemetry.p4: in-band network telemetry with source, transit and sink
 * roles chosen by table entries.
 *
 * Wire format: INT sits between the IPv4 header and the L4 header; an IPv4
 * protocol of IP_PROTO_INT (253, for experiments) announces it.
 *   int_shim_t (4 bytes): next_protocol (the original IPv4 protocol), hop_count,
 *                         max_hops, reserved
 *   int_hop_t (28 bytes) × hop_count, newest first: switch_id, ingress_port,
 *                         egress_port, hop_latency (deq_timedelta, µs),
 *                         queue_depth (enq_qdepth, packets), ingress and
 *                         egress timestamps (µs)
 *
 *   MyIngress.int_config        keyless; default action set_switch_id(id) names this switch
 *   MyIngress.ipv4_lpm          lpm dst IP → set_nhop(src_mac, dst_mac, port) | drop (default)
 *   MyIngress.int_source_ports  exact ingress port → int_source(max_hops): insert the shim
 *   MyIngress.int_sink_ports    exact egress port → int_sink(session): clone the packet
 *                               (with INT) to the collector through clone session
 *                               `session`; strip INT from the packet itself
 *   Every switch (source and transit, and the sink on the report copy) adds one
 *   hop record in egress while hop_count < max_hops.
 *
 * Used by the FOP4 extended-telemetry scenario (four P4 switches, a collector).
 */
#include <core.p4>
#include <v1model.p4>
#include "include/headers.p4"

const bit<8>  IP_PROTO_INT   = 253;
const bit<16> INT_SHIM_BYTES = 4;
const bit<16> INT_HOP_BYTES  = 28;
const bit<8>  INT_STACK_SIZE = 4;

header int_shim_t {
    bit<8> next_protocol;
    bit<8> hop_count;
    bit<8> max_hops;
    bit<8> reserved;
}

header int_hop_t {
    bit<32> switch_id;
    bit<16> ingress_port;
    bit<16> egress_port;
    bit<32> hop_latency;
    bit<32> queue_depth;
    bit<48> ingress_timestamp;
    bit<48> egress_timestamp;
}

struct int_headers_t {
    ethernet_t   ethernet;
    ipv4_t       ipv4;
    int_shim_t   int_shim;
    int_hop_t[4] int_hops;
    tcp_t        tcp;
    udp_t        udp;
}

struct metadata_t {
    @field_list(1)
    bit<32> switch_id;      // kept on the sink's report clone
    bit<8>  hops_left;      // parser loop counter
    bit<1>  int_sink;
    bit<32> int_session;
}

parser IntParser(packet_in packet,
                 out int_headers_t hdr,
                 inout metadata_t meta,
                 inout standard_metadata_t standard_metadata) {
    state start {
        packet.extract(hdr.ethernet);
        transition select(hdr.ethernet.ether_type) {
            ETHERTYPE_IPV4: parse_ipv4;
            default: accept;
        }
    }

    state parse_ipv4 {
        packet.extract(hdr.ipv4);
        transition select(hdr.ipv4.frag_offset, hdr.ipv4.protocol) {
            (0, IP_PROTO_INT): parse_int_shim;
            (0, IP_PROTO_TCP): parse_tcp;
            (0, IP_PROTO_UDP): parse_udp;
            default: accept;
        }
    }

    state parse_int_shim {
        packet.extract(hdr.int_shim);
        meta.hops_left = hdr.int_shim.hop_count;
        transition select(meta.hops_left) {
            0: parse_int_payload;
            default: parse_int_hop;
        }
    }

    state parse_int_hop {
        packet.extract(hdr.int_hops.next);
        meta.hops_left = meta.hops_left - 1;
        transition select(meta.hops_left) {
            0: parse_int_payload;
            default: parse_int_hop;
        }
    }

    state parse_int_payload {
        transition select(hdr.int_shim.next_protocol) {
            IP_PROTO_TCP: parse_tcp;
            IP_PROTO_UDP: parse_udp;
            default: accept;
        }
    }

    state parse_tcp {
        packet.extract(hdr.tcp);
        transition accept;
    }

    state parse_udp {
        packet.extract(hdr.udp);
        transition accept;
    }
}

control IntChecksumVerify(inout int_headers_t hdr, inout metadata_t meta) {
    apply {
        verify_checksum(hdr.ipv4.isValid(),
            { hdr.ipv4.version, hdr.ipv4.ihl, hdr.ipv4.dscp, hdr.ipv4.ecn,
              hdr.ipv4.total_len, hdr.ipv4.identification, hdr.ipv4.flags,
              hdr.ipv4.frag_offset, hdr.ipv4.ttl, hdr.ipv4.protocol,
              hdr.ipv4.src_addr, hdr.ipv4.dst_addr },
            hdr.ipv4.hdr_checksum, HashAlgorithm.csum16);
    }
}

control MyIngress(inout int_headers_t hdr,
                  inout metadata_t meta,
                  inout standard_metadata_t standard_metadata) {
    action drop() {
        mark_to_drop(standard_metadata);
    }

    action set_switch_id(bit<32> id) {
        meta.switch_id = id;
    }

    table int_config {
        actions = {
            set_switch_id;
        }
        default_action = set_switch_id(0);
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

    action int_source(bit<8> max_hops) {
        hdr.int_shim.setValid();
        hdr.int_shim.next_protocol = hdr.ipv4.protocol;
        hdr.int_shim.hop_count = 0;
        hdr.int_shim.max_hops = max_hops;
        hdr.int_shim.reserved = 0;
        hdr.ipv4.protocol = IP_PROTO_INT;
        hdr.ipv4.total_len = hdr.ipv4.total_len + INT_SHIM_BYTES;
    }

    table int_source_ports {
        key = {
            standard_metadata.ingress_port : exact @name("ingress_port");
        }
        actions = {
            int_source;
            NoAction;
        }
        default_action = NoAction();
        size = 64;
    }

    action int_sink(bit<32> session) {
        meta.int_sink = 1;
        meta.int_session = session;
    }

    table int_sink_ports {
        key = {
            standard_metadata.egress_spec : exact @name("egress_port");
        }
        actions = {
            int_sink;
            NoAction;
        }
        default_action = NoAction();
        size = 64;
    }

    apply {
        if (!hdr.ipv4.isValid() || standard_metadata.checksum_error == 1 || hdr.ipv4.ttl <= 1) {
            drop();
            exit;
        }
        int_config.apply();
        ipv4_lpm.apply();
        if (!hdr.int_shim.isValid()) {
            int_source_ports.apply();
        } else {
            int_sink_ports.apply();
            if (meta.int_sink == 1) {
                // The report: this packet as it arrived, with its INT data.
                clone_preserving_field_list(CloneType.I2E, meta.int_session, 1);
            }
        }
    }
}

control MyEgress(inout int_headers_t hdr,
                 inout metadata_t meta,
                 inout standard_metadata_t standard_metadata) {
    action strip_int() {
        hdr.ipv4.protocol = hdr.int_shim.next_protocol;
        hdr.ipv4.total_len = hdr.ipv4.total_len - INT_SHIM_BYTES
                             - (bit<16>)hdr.int_shim.hop_count * INT_HOP_BYTES;
        hdr.int_shim.setInvalid();
        hdr.int_hops[0].setInvalid();
        hdr.int_hops[1].setInvalid();
        hdr.int_hops[2].setInvalid();
        hdr.int_hops[3].setInvalid();
    }

    action add_hop() {
        hdr.int_hops.push_front(1);
        hdr.int_hops[0].setValid();
        hdr.int_hops[0].switch_id = meta.switch_id;
        hdr.int_hops[0].ingress_port = (bit<16>)standard_metadata.ingress_port;
        hdr.int_hops[0].egress_port = (bit<16>)standard_metadata.egress_port;
        hdr.int_hops[0].hop_latency = standard_metadata.deq_timedelta;
        hdr.int_hops[0].queue_depth = (bit<32>)standard_metadata.enq_qdepth;
        hdr.int_hops[0].ingress_timestamp = standard_metadata.ingress_global_timestamp;
        hdr.int_hops[0].egress_timestamp = standard_metadata.egress_global_timestamp;
        hdr.int_shim.hop_count = hdr.int_shim.hop_count + 1;
        hdr.ipv4.total_len = hdr.ipv4.total_len + INT_HOP_BYTES;
    }

    apply {
        if (hdr.int_shim.isValid()) {
            if (standard_metadata.instance_type == INSTANCE_TYPE_NORMAL && meta.int_sink == 1) {
                strip_int();
            } else if (hdr.int_shim.hop_count < hdr.int_shim.max_hops &&
                       hdr.int_shim.hop_count < INT_STACK_SIZE) {
                add_hop();
            }
        }
    }
}

control IntChecksumCompute(inout int_headers_t hdr, inout metadata_t meta) {
    apply {
        update_checksum(hdr.ipv4.isValid(),
            { hdr.ipv4.version, hdr.ipv4.ihl, hdr.ipv4.dscp, hdr.ipv4.ecn,
              hdr.ipv4.total_len, hdr.ipv4.identification, hdr.ipv4.flags,
              hdr.ipv4.frag_offset, hdr.ipv4.ttl, hdr.ipv4.protocol,
              hdr.ipv4.src_addr, hdr.ipv4.dst_addr },
            hdr.ipv4.hdr_checksum, HashAlgorithm.csum16);
    }
}

control IntDeparser(packet_out packet, in int_headers_t hdr) {
    apply {
        packet.emit(hdr.ethernet);
        packet.emit(hdr.ipv4);
        packet.emit(hdr.int_shim);
        packet.emit(hdr.int_hops);
        packet.emit(hdr.tcp);
        packet.emit(hdr.udp);
    }
}

V1Switch(IntParser(),
         IntChecksumVerify(),
         MyIngress(),
         MyEgress(),
         IntChecksumCompute(),
         IntDeparser()) main;
