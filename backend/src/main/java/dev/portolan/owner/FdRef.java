package dev.portolan.owner;

/** Where the {@link OwnerIndex} saw a socket: {@code /proc/PID/fd/FD}. */
record FdRef(int pid, int fd) {}
