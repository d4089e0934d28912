// stage: parse
table t {
    actions = { }
}
control C() {
    apply {
        exit;
    }
    const bit<8> LATE = 1;
}
