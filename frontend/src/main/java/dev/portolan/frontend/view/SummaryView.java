package dev.portolan.frontend.view;

import java.util.List;

/** The {@code ss -s} summary: totals per protocol and the TCP states as a bar chart. */
public record SummaryView(int total, String perProtocol, List<StateBar> tcpStates) {
}
