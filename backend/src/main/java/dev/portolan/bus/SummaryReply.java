package dev.portolan.bus;

import dev.portolan.sampling.SummaryTrend;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * An {@code ss -s} style summary: one node's ({@link NodeSummaryReply}, with kernel counters and
 * the trend) or the fleet's ({@link FleetSummaryReply}, its live nodes' sockets and its nodes by
 * status). Counts by state are keyed by the state's filter name, with their {@code total} last.
 */
public sealed interface SummaryReply permits NodeSummaryReply, FleetSummaryReply {
  /** Every socket counted. */
  int total();

  /** Per protocol label ("tcp", "tcp6", "unix", ...): counts by state, and their total. */
  Map<String, Map<String, Integer>> protocols();

  /** TCP sockets by state, and their total. */
  Map<String, Integer> tcpStates();

  /** The counts of the last minutes, oldest first; none for the fleet. */
  List<SummaryTrend.Point> trend();

  JsonObject toJson();
}
