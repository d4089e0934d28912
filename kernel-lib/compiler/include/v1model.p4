/*
 * p4lab's v1model architecture: the BMv2 simple_switch target's metadata,
 * externs and pipeline package, written for p4lab from the v1model facts
 * (field names and widths, extern signatures, enum members).
 * Include it with `#include <v1model.p4>`.
 */
/* The guard has p4c's name, so programs that test it see this file as p4c's v1model.p4. */
#ifndef _V1_MODEL_P4_
#define _V1_MODEL_P4_

#include <core.p4>

/* A program may choose the version before including this file: from
 * 20200408 on, counter, meter and register take their index type as a
 * type parameter. */
#ifndef V1MODEL_VERSION
#define V1MODEL_VERSION 20180101
#endif
const bit<32> __v1model_version = V1MODEL_VERSION;

match_kind {
    range,
    optional,
    selector
}

typedef bit<9>  PortId_t;
typedef bit<16> MulticastGroup_t;
typedef bit<32> CloneSessionId_t;
typedef bit<48> Timestamp_t;

/* Per-packet intrinsic metadata. Queueing and timestamp fields are aliases of
 * the target's queueing_metadata / intrinsic_metadata headers. */
@metadata @name("standard_metadata")
struct standard_metadata_t {
    bit<9>  ingress_port;
    bit<9>  egress_spec;    /* set in ingress: the output port; 511 drops */
    bit<9>  egress_port;    /* the port being sent on, in egress */
    bit<32> instance_type;  /* NORMAL 0, INGRESS_CLONE 1, EGRESS_CLONE 2, COALESCED 3, RECIRC 4, REPLICATION 5, RESUBMIT 6 */
    bit<32> packet_length;
    @alias("queueing_metadata.enq_timestamp")
    bit<32> enq_timestamp;
    @alias("queueing_metadata.enq_qdepth")
    bit<19> enq_qdepth;
    @alias("queueing_metadata.deq_timedelta")
    bit<32> deq_timedelta;
    @alias("queueing_metadata.deq_qdepth")
    bit<19> deq_qdepth;
    @alias("intrinsic_metadata.ingress_global_timestamp")
    bit<48> ingress_global_timestamp;
    @alias("intrinsic_metadata.egress_global_timestamp")
    bit<48> egress_global_timestamp;
    @alias("intrinsic_metadata.mcast_grp")
    bit<16> mcast_grp;
    @alias("intrinsic_metadata.egress_rid")
    bit<16> egress_rid;
    bit<1>  checksum_error;
    error   parser_error;
    @alias("intrinsic_metadata.priority")
    bit<3>  priority;
}

enum CounterType {
    packets,
    bytes,
    packets_and_bytes
}

enum MeterType {
    packets,
    bytes
}

enum HashAlgorithm {
    crc32,
    crc32_custom,
    crc16,
    crc16_custom,
    random,
    identity,
    csum16,
    xor16
}

enum CloneType {
    I2E,
    E2E
}

/* An array of `size` counters. */
#if V1MODEL_VERSION >= 20200408
extern counter<I> {
    counter(bit<32> size, CounterType type);
    void count(in I index);
}
#else
extern counter {
    counter(bit<32> size, CounterType type);
    void count(in bit<32> index);
}
#endif

/* One counter per entry of the table that names it in `counters = ...`. */
extern direct_counter {
    direct_counter(CounterType type);
    void count();
}

/* An array of two-rate three-colour meters; the colour is GREEN 0, YELLOW 1, RED 2. */
#if V1MODEL_VERSION >= 20200408
extern meter<I> {
    meter(bit<32> size, MeterType type);
    void execute_meter<T>(in I index, out T result);
}
#else
extern meter {
    meter(bit<32> size, MeterType type);
    void execute_meter<T>(in bit<32> index, out T result);
}
#endif

/* One meter per entry of the table that names it in `meters = ...`. */
extern direct_meter<T> {
    direct_meter(MeterType type);
    void read(out T result);
}

/* An array of `size` cells of type T, readable and writable by the control plane. */
#if V1MODEL_VERSION >= 20200408
extern register<T, I> {
    register(bit<32> size);
    @noSideEffects
    void read(out T result, in I index);
    void write(in I index, in T value);
}
#else
extern register<T> {
    register(bit<32> size);
    @noSideEffects
    void read(out T result, in bit<32> index);
    void write(in bit<32> index, in T value);
}
#endif

extern action_profile {
    action_profile(bit<32> size);
}

extern action_selector {
    action_selector(HashAlgorithm algorithm, bit<32> size, bit<32> outputWidth);
}

/* result = a uniformly random value in [lo, hi]. */
extern void random<T>(out T result, in T lo, in T hi);

/* Sends `data` to the controller as a digest (a learn list named after T). */
extern void digest<T>(in bit<32> receiver, in T data);

/* result = base + hash(data) % max (max 0 counts as 1). */
extern void hash<O, T, D, M>(out O result, in HashAlgorithm algo, in T base, in D data, in M max);

/* Drop the packet at the end of ingress (sets egress_spec to 511, mcast_grp to 0). */
extern void mark_to_drop(inout standard_metadata_t standard_metadata);

/* Clone the packet to the mirror session: I2E in ingress, E2E in egress. */
extern void clone(in CloneType type, in bit<32> session);

/* The same, keeping the user metadata fields annotated @field_list(index). */
extern void clone_preserving_field_list(in CloneType type, in bit<32> session, bit<8> index);

/* Send the packet through ingress again, keeping the @field_list(index) fields. */
extern void resubmit_preserving_field_list(bit<8> index);

/* Send the deparsed packet back to the input, keeping the @field_list(index) fields. */
extern void recirculate_preserving_field_list(bit<8> index);

/* Keep only the first `length` bytes of the packet when it is sent. */
extern void truncate(in bit<32> length);

/* Checksums over `data`, verified in the parser / updated in the deparser when `condition` holds. */
extern void verify_checksum<T, O>(in bool condition, in T data, in O checksum, HashAlgorithm algo);
extern void update_checksum<T, O>(in bool condition, in T data, inout O checksum, HashAlgorithm algo);
/* The same, with the packet's payload appended to `data`. */
extern void verify_checksum_with_payload<T, O>(in bool condition, in T data, in O checksum, HashAlgorithm algo);
extern void update_checksum_with_payload<T, O>(in bool condition, in T data, inout O checksum, HashAlgorithm algo);

extern void assert(in bool check);
extern void assume(in bool check);

/* Print a message in the switch's log; "{}" in msg is replaced by the fields of data. */
extern void log_msg(string msg);
extern void log_msg<T>(string msg, in T data);

parser Parser<H, M>(packet_in b,
                    out H parsedHdr,
                    inout M meta,
                    inout standard_metadata_t standard_metadata);

control VerifyChecksum<H, M>(inout H hdr, inout M meta);

@pipeline
control Ingress<H, M>(inout H hdr, inout M meta, inout standard_metadata_t standard_metadata);

@pipeline
control Egress<H, M>(inout H hdr, inout M meta, inout standard_metadata_t standard_metadata);

control ComputeChecksum<H, M>(inout H hdr, inout M meta);

@deparser
control Deparser<H>(packet_out b, in H hdr);

package V1Switch<H, M>(Parser<H, M> p,
                       VerifyChecksum<H, M> vr,
                       Ingress<H, M> ig,
                       Egress<H, M> eg,
                       ComputeChecksum<H, M> ck,
                       Deparser<H> dep);

#endif /* _V1_MODEL_P4_ */
