package dev.portolan.frontend.view;

import java.util.List;

/** A group of port cells: well-known (0-1023), registered (1024-49151) or ephemeral (49152+). */
public record PortRange(String name, String span, List<PortCell> cells) {}
