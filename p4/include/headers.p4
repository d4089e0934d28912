/*
 * Header definitions shared by the programs in p4/: Ethernet, IPv4, TCP, UDP
 * and the CPU port headers exchanged with the P4Runtime controller
 * (PacketIn / PacketOut metadata), plus the usual constants.
 */
#ifndef P4LAB_HEADERS_P4
#define P4LAB_HEADERS_P4

typedef bit<48> mac_addr_t;
typedef bit<32> ipv4_addr_t;
typedef bit<9>  port_t;

const bit<16> ETHERTYPE_IPV4 = 0x0800;
const bit<8>  IP_PROTO_ICMP = 1;
const bit<8>  IP_PROTO_TCP  = 6;
const bit<8>  IP_PROTO_UDP  = 17;

/* The switch's CPU port: start the switch with --cpu-port 255. */
const port_t CPU_PORT  = 255;
const port_t DROP_PORT = 511;

/* standard_metadata.instance_type values of simple_switch. */
const bit<32> INSTANCE_TYPE_NORMAL        = 0;
const bit<32> INSTANCE_TYPE_INGRESS_CLONE = 1;
const bit<32> INSTANCE_TYPE_EGRESS_CLONE  = 2;
const bit<32> INSTANCE_TYPE_REPLICATION   = 5;

/* Sent to the controller: prepended to a packet forwarded to CPU_PORT. */
@controller_header("packet_in")
header packet_in_t {
    port_t  ingress_port;
    bit<7>  _pad;
}

/* Received from the controller: prefixes a packet injected on CPU_PORT. */
@controller_header("packet_out")
header packet_out_t {
    port_t  egress_port;
    bit<7>  _pad;
}

header ethernet_t {
    mac_addr_t dst_addr;
    mac_addr_t src_addr;
    bit<16>    ether_type;
}

header ipv4_t {
    bit<4>      version;
    bit<4>      ihl;
    bit<6>      dscp;
    bit<2>      ecn;
    bit<16>     total_len;
    bit<16>     identification;
    bit<3>      flags;
    bit<13>     frag_offset;
    bit<8>      ttl;
    bit<8>      protocol;
    bit<16>     hdr_checksum;
    ipv4_addr_t src_addr;
    ipv4_addr_t dst_addr;
}

/* The fixed 20 bytes; options, if any, stay in the payload. */
header tcp_t {
    bit<16> src_port;
    bit<16> dst_port;
    bit<32> seq_no;
    bit<32> ack_no;
    bit<4>  data_offset;
    bit<4>  reserved;
    bit<8>  flags;
    bit<16> window;
    bit<16> checksum;
    bit<16> urgent_ptr;
}

header udp_t {
    bit<16> src_port;
    bit<16> dst_port;
    bit<16> length;
    bit<16> checksum;
}

struct headers_t {
    packet_out_t packet_out;
    packet_in_t  packet_in;
    ethernet_t   ethernet;
    ipv4_t       ipv4;
    tcp_t        tcp;
    udp_t        udp;
}

#endif /* P4LAB_HEADERS_P4 */
