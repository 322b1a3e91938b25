package dev.portolan.frontend.view;

import java.util.List;

/**
 * The "why?" form of the check page and its answer. {@code kind}: bind, connect or port; {@code
 * target}: tcp/PORT (bind, port) or HOST:PORT (connect), as typed; {@code address}: a bind's
 * address, or empty; {@code node}: the node asked, or null for the default. {@code status} is null
 * before a question (nothing shown), "ok", "problem", or "error" for a refused or bad question;
 * {@code verdict} the answer's code, {@code sentence} the answer in words, {@code facts} the other
 * findings, {@code evidence} the processes and sockets behind it.
 */
public record WhyView(
    String kind,
    String target,
    String address,
    String node,
    String status,
    String verdict,
    String sentence,
    List<String> facts,
    List<Row> evidence) {

  /** One piece of evidence; {@code processHref} links the process page, or null. */
  public record Row(
      String role,
      String pid,
      String process,
      String user,
      String local,
      String remote,
      String state,
      String netns,
      String sockets,
      String processHref) {}

  public WhyView {
    facts = List.copyOf(facts);
    evidence = List.copyOf(evidence);
  }

  /** The form alone, nothing asked yet. */
  public static WhyView empty() {
    return new WhyView("bind", "", "", null, null, null, null, List.of(), List.of());
  }

  /** The question as asked, refused with {@code why}. */
  public static WhyView refused(
      String kind, String target, String address, String node, String why) {
    return new WhyView(kind, target, address, node, "error", null, why, List.of(), List.of());
  }
}
