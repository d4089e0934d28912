// stage: parse
#ifndef TARGET_PORTS
#error TARGET_PORTS must be defined: compile with -D TARGET_PORTS=4
#endif
#else
