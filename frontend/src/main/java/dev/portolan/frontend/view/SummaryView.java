package dev.portolan.frontend.view;

import java.util.List;

/**
 * The {@code ss -s} summary: totals per protocol, the TCP states as a bar chart, and the trend of
 * the main states over the last {@code trendMinutes} minutes (a node's summary; empty until two
 * samples exist, and for the fleet, which has none). {@code scope} says whose sockets these are;
 * {@code unavailable} why there is no summary (a node that is down), else null.
 */
public record SummaryView(
    int total,
    String perProtocol,
    List<StateBar> tcpStates,
    List<TrendLine> trend,
    int trendMinutes,
    String scope,
    String unavailable) {}
