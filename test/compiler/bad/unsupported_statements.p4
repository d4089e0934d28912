// stage: parse
control C(inout bit<8> x) {
    apply {
        x += 1;
        x = x + 1;
        for (bit<8> i = 0; i < 4; i = i + 1) {
            x = x + i;
        }
        x |+|= 2;
    }
}
