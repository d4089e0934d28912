# p4lab's native parts: the AF_PACKET port addon, and the load generator and
# reference forwarder used by bench/switch.ts. scripts/setup.d/20-native.sh
# builds them.
{
  "targets": [
    {
      "target_name": "p4lab_native",
      "sources": ["src/addon.cc", "src/packet_io.cc", "src/rx_ring.cc", "src/l4_checksum.cc", "src/precise_timer.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags_cc": ["-std=c++17", "-O2", "-Wall", "-Wextra", "-fexceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17"],
      "cflags!": ["-fno-exceptions"]
    },
    {
      "target_name": "p4lab_pktgen",
      "type": "executable",
      "sources": ["src/pktgen.cc"],
      "cflags_cc": ["-std=c++17", "-O2", "-Wall", "-Wextra", "-pthread"],
      "cflags_cc!": ["-std=gnu++17"],
      "libraries": ["-pthread"]
    },
    {
      "target_name": "p4lab_reference_forwarder",
      "type": "executable",
      "sources": ["src/reference_forwarder.cc"],
      "cflags_cc": ["-std=c++17", "-O2", "-Wall", "-Wextra"],
      "cflags_cc!": ["-std=gnu++17"]
    }
  ]
}
