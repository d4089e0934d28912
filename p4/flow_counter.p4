/*
 * flow_counter.p4: the NF of the elastic-scaling experiment, a per-flow packet
 * counter (its state changes on every packet), with in-switch monitoring.
 *
 *   Flows: IPv4 5-tuple (ports 0 for other protocols) hashed into FLOW_SLOTS slots.
 *   Registers:
 *     MyIngress.flow_packets        bit<32> [slot]  packets of the flow
 *     MyIngress.flow_since_digest   bit<32> [slot]  packets since the last rate digest
 *     MyIngress.rate_interval       bit<32> [0]     n: a flow_rate_digest_t every n packets
 *                                                   of a flow (0 = default 10)
 *     overload_threshold            bit<32> [0]     enq_qdepth above which a port counts as
 *                                                   overloaded (0 = default 20)
 *     overload_pending, overload_timestamp, overload_enq_qdepth, overload_deq_qdepth,
 *     overload_deq_timedelta        [egress port]   the last overload seen by egress
 *     (these are top-level instances: egress writes them, ingress reads them)
 *   Digests:
 *     flow_rate_digest_t  {slot, 5-tuple, packets, ingress timestamp} every n packets
 *     overload_digest_t   {timestamp, egress port, enq_qdepth, deq_qdepth, deq_timedelta}
 *       Egress detects the overload (queue depths are known only there) and records it;
 *       v1model sends digests only at the end of ingress, so the next packet routed to
 *       that port carries the report out as a digest.
 *   MyIngress.ipv4_lpm  lpm dst IP → set_nhop(src_mac, dst_mac, port) | drop (default)
 *
 * Used by the elastic-scaling experiment (NF on s3, migrated to s2).
 */
#include <core.p4>
#include <v1model.p4>
#include "include/headers.p4"

const bit<32> FLOW_SLOTS = 4096;
const bit<32> PORT_SLOTS = 512;
const bit<32> DEFAULT_RATE_INTERVAL = 10;
const bit<32> DEFAULT_OVERLOAD_DEPTH = 20;

struct flow_rate_digest_t {
    bit<32>     flow_idx;
    ipv4_addr_t src_addr;
    ipv4_addr_t dst_addr;
    bit<8>      protocol;
    bit<16>     src_port;
    bit<16>     dst_port;
    bit<32>     packets;
    bit<48>     timestamp;
}

struct overload_digest_t {
    bit<48> timestamp;
    port_t  egress_port;
    bit<19> enq_qdepth;
    bit<19> deq_qdepth;
    bit<32> deq_timedelta;
}

struct metadata_t {
    bit<16> src_port;
    bit<16> dst_port;
    bit<32> flow_idx;
    bit<32> packets;
    bit<32> since_digest;
    bit<32> interval;
    bit<1>  overload_pending;
    bit<48> overload_ts;
    bit<19> overload_enq;
    bit<19> overload_deq;
    bit<32> overload_delta;
    bit<32> threshold;
}

#include "include/pipeline.p4"

// The last overload egress saw on each port, reported by ingress. Declared at
// top level because both controls use them.
register<bit<1>>(PORT_SLOTS) overload_pending;
register<bit<48>>(PORT_SLOTS) overload_timestamp;
register<bit<19>>(PORT_SLOTS) overload_enq_qdepth;
register<bit<19>>(PORT_SLOTS) overload_deq_qdepth;
register<bit<32>>(PORT_SLOTS) overload_deq_timedelta;
register<bit<32>>(1) overload_threshold;

control MyIngress(inout headers_t hdr,
                  inout metadata_t meta,
                  inout standard_metadata_t standard_metadata) {
    register<bit<32>>(FLOW_SLOTS) flow_packets;
    register<bit<32>>(FLOW_SLOTS) flow_since_digest;
    register<bit<32>>(1) rate_interval;

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
             { hdr.ipv4.src_addr, hdr.ipv4.dst_addr, hdr.ipv4.protocol, meta.src_port, meta.dst_port },
             FLOW_SLOTS);
    }

    apply {
        if (!hdr.ipv4.isValid() || standard_metadata.checksum_error == 1 || hdr.ipv4.ttl <= 1) {
            drop();
            exit;
        }
        if (hdr.tcp.isValid()) {
            meta.src_port = hdr.tcp.src_port;
            meta.dst_port = hdr.tcp.dst_port;
        } else if (hdr.udp.isValid()) {
            meta.src_port = hdr.udp.src_port;
            meta.dst_port = hdr.udp.dst_port;
        }

        // Per-flow packet counter and rate digest.
        compute_flow_index();
        flow_packets.read(meta.packets, meta.flow_idx);
        flow_since_digest.read(meta.since_digest, meta.flow_idx);
        rate_interval.read(meta.interval, 0);
        if (meta.interval == 0) {
            meta.interval = DEFAULT_RATE_INTERVAL;
        }
        meta.packets = meta.packets + 1;
        meta.since_digest = meta.since_digest + 1;
        if (meta.since_digest >= meta.interval) {
            meta.since_digest = 0;
            digest<flow_rate_digest_t>(1, {
                meta.flow_idx, hdr.ipv4.src_addr, hdr.ipv4.dst_addr, hdr.ipv4.protocol,
                meta.src_port, meta.dst_port, meta.packets,
                standard_metadata.ingress_global_timestamp });
        }
        flow_packets.write(meta.flow_idx, meta.packets);
        flow_since_digest.write(meta.flow_idx, meta.since_digest);

        ipv4_lpm.apply();

        // Report an overload that egress recorded for the chosen port.
        if (standard_metadata.egress_spec != DROP_PORT) {
            overload_pending.read(meta.overload_pending, (bit<32>)standard_metadata.egress_spec);
            if (meta.overload_pending == 1) {
                overload_timestamp.read(meta.overload_ts, (bit<32>)standard_metadata.egress_spec);
                overload_enq_qdepth.read(meta.overload_enq, (bit<32>)standard_metadata.egress_spec);
                overload_deq_qdepth.read(meta.overload_deq, (bit<32>)standard_metadata.egress_spec);
                overload_deq_timedelta.read(meta.overload_delta, (bit<32>)standard_metadata.egress_spec);
                overload_pending.write((bit<32>)standard_metadata.egress_spec, 0);
                digest<overload_digest_t>(1, {
                    meta.overload_ts, standard_metadata.egress_spec,
                    meta.overload_enq, meta.overload_deq, meta.overload_delta });
            }
        }
    }
}

control MyEgress(inout headers_t hdr,
                 inout metadata_t meta,
                 inout standard_metadata_t standard_metadata) {
    apply {
        overload_threshold.read(meta.threshold, 0);
        if (meta.threshold == 0) {
            meta.threshold = DEFAULT_OVERLOAD_DEPTH;
        }
        if ((bit<32>)standard_metadata.enq_qdepth > meta.threshold) {
            overload_pending.write((bit<32>)standard_metadata.egress_port, 1);
            overload_timestamp.write((bit<32>)standard_metadata.egress_port, standard_metadata.egress_global_timestamp);
            overload_enq_qdepth.write((bit<32>)standard_metadata.egress_port, standard_metadata.enq_qdepth);
            overload_deq_qdepth.write((bit<32>)standard_metadata.egress_port, standard_metadata.deq_qdepth);
            overload_deq_timedelta.write((bit<32>)standard_metadata.egress_port, standard_metadata.deq_timedelta);
        }
    }
}

V1Switch(CommonParser(),
         Ipv4ChecksumVerify(),
         MyIngress(),
         MyEgress(),
         Ipv4ChecksumCompute(),
         CommonDeparser()) main;
