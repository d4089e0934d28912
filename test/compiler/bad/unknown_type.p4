// stage: parse
struct metadata_t {
    flow_id_t id;
    bit<8> ok;
}
control C() {
    apply {
        port_id_t p;
    }
}
