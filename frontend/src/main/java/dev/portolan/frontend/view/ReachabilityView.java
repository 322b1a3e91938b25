package dev.portolan.frontend.view;

import java.util.List;

/**
 * The reachability matrix page: the form ({@code host}, {@code port}, {@code timeout} as typed)
 * and, once asked, one row per node ({@code rows}), with the totals ({@code reachableFrom} of
 * {@code of}) in words ({@code summary}). {@code error}: why the question was refused (bad input).
 * {@code policyHint}: shown when some node's policy refused the target.
 */
public record ReachabilityView(
    String host,
    String port,
    String timeout,
    String error,
    boolean asked,
    String target,
    List<ReachRow> rows,
    int reachableFrom,
    int of,
    String summary,
    String policyHint) {

  public ReachabilityView {
    rows = rows == null ? List.of() : List.copyOf(rows);
  }

  public static ReachabilityView empty() {
    return new ReachabilityView("", "", "", null, false, null, List.of(), 0, 0, null, null);
  }

  /** The form filled in (from a link's query), nothing run. */
  public static ReachabilityView filledIn(String host, String port, String timeout) {
    return new ReachabilityView(
        host, port, timeout, null, false, null, List.of(), 0, 0, null, null);
  }

  /** The form as typed, with why it was refused. */
  public static ReachabilityView refused(String host, String port, String timeout, String error) {
    return new ReachabilityView(
        host, port, timeout, error, false, null, List.of(), 0, 0, null, null);
  }

  /**
   * "all", "some" or "none": how much of the fleet reaches the target (for the summary's colour).
   */
  public String verdict() {
    return reachableFrom == 0 ? "none" : reachableFrom == of ? "all" : "some";
  }
}
