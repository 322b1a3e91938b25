package dev.portolan.why;

/** A port Portolan listens on at start: the flag that sets it, the address, the port (0: any). */
public record ListenPort(String flag, String host, int port) {}
