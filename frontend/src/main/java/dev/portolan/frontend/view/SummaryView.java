package dev.portolan.frontend.view;

import java.util.List;

/**
 * The {@code ss -s} summary: totals per protocol, the TCP states as a bar chart, and the trend of the main states
 * over the last {@code trendMinutes} minutes (empty until two samples exist).
 */
public record SummaryView(int total, String perProtocol, List<StateBar> tcpStates, List<TrendLine> trend,
    int trendMinutes) {
}
