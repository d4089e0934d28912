/*
 * p4lab's core library: the declarations every P4-16 program can use.
 * Written for p4lab from the P4-16 language specification's list of core
 * declarations; include it with `#include <core.p4>`.
 */
/* The guard has p4c's name, so programs that test it see this file as p4c's core.p4. */
#ifndef _CORE_P4_
#define _CORE_P4_

/* Parser errors, in the order that gives them their numbers (NoError = 0). */
error {
    NoError,
    PacketTooShort,
    NoMatch,
    StackOutOfBounds,
    HeaderTooShort,
    ParserTimeout,
    ParserInvalidArgument
}

/* The packet being parsed. */
extern packet_in {
    /* Copies the next bits of the packet into a fixed-size header and makes it valid. */
    void extract<T>(out T hdr);
    /* Same for a header with one varbit field of the given size in bits. */
    void extract<T>(out T variableSizeHeader, in bit<32> variableFieldSizeInBits);
    /* Reads the next bits without consuming them. */
    T lookahead<T>();
    /* Skips bits. */
    void advance(in bit<32> sizeInBits);
    /* Packet length in bytes. */
    bit<32> length();
}

/* The packet being built by a deparser. */
extern packet_out {
    /* Appends a header if it is valid (each valid member of a struct or union, in order). */
    void emit<T>(in T hdr);
}

/* In a parser: reject the packet with `toSignal` unless `check` holds. */
extern void verify(in bool check, in error toSignal);

/* The action that does nothing; the usual default of a table. */
@noWarn("unused")
action NoAction() {}

match_kind {
    exact,
    ternary,
    lpm
}

#endif /* _CORE_P4_ */
