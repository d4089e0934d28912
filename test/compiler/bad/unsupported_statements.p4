// stage: parse
control C(inout bit<8> x) {
    apply {
        x = x + 1;
        for (bit<8> i = 0; i < 4; i = i + 1) {
            x = x + i;
        }
    }
}
