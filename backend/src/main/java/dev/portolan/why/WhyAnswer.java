package dev.portolan.why;

import java.util.List;

/**
 * A troubleshooting answer: what was asked ({@code kind}: bind, connect or port; {@code subject}:
 * "tcp/8080", "10.0.0.5:5432"), on which node it was judged, the verdict (a short code such as
 * {@code in-use}, {@code time-wait}, {@code refused-loopback-only}, {@code ok}), whether that is a
 * problem, the answer in one sentence, every finding behind it, and the evidence (processes,
 * sockets, addresses).
 */
public record WhyAnswer(
    String kind,
    String subject,
    String node,
    String verdict,
    boolean problem,
    String sentence,
    List<Finding> findings,
    List<Evidence> evidence) {

  public WhyAnswer {
    findings = List.copyOf(findings);
    evidence = List.copyOf(evidence);
  }

  /** How much a finding matters: it explains a failure, it may cause one, or it is a fact. */
  public enum Severity {
    PROBLEM("problem"),
    RISK("risk"),
    INFO("info");

    private final String wireName;

    Severity(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }

    public static Severity fromWire(String name) {
      for (Severity s : values()) {
        if (s.wireName.equals(name)) {
          return s;
        }
      }
      throw new IllegalArgumentException("not a severity: " + name);
    }
  }

  /** One thing found: its code, how much it matters, and the sentence that says it. */
  public record Finding(String code, Severity severity, String sentence) {}

  /**
   * One piece of evidence: {@code role} (holder, time-wait, listener, connection, target), the
   * process ({@code pid} 0 and {@code process} null when the kernel holds it), the local and remote
   * address text, the socket state as ss prints it, the network namespace's label (null: the node's
   * own), and how many sockets this row stands for.
   */
  public record Evidence(
      String role,
      int pid,
      String process,
      String user,
      String local,
      String remote,
      String state,
      String namespace,
      int sockets) {}

  /**
   * The answer whose verdict is the first problem among {@code findings}, else the first risk, else
   * {@code okVerdict}; the sentence is the verdict's finding's, followed by the other problems' and
   * risks'.
   */
  static WhyAnswer judged(
      String kind,
      String subject,
      String node,
      List<Finding> findings,
      List<Evidence> evidence,
      String okVerdict,
      String okSentence) {
    Finding lead = null;
    for (Severity level : List.of(Severity.PROBLEM, Severity.RISK)) {
      for (Finding f : findings) {
        if (lead == null && f.severity() == level) {
          lead = f;
        }
      }
    }
    if (lead == null) {
      return new WhyAnswer(kind, subject, node, okVerdict, false, okSentence, findings, evidence);
    }
    StringBuilder sentence = new StringBuilder(lead.sentence());
    for (Finding f : findings) {
      if (f != lead && f.severity() != Severity.INFO) {
        sentence.append(' ').append(f.sentence());
      }
    }
    return new WhyAnswer(
        kind,
        subject,
        node,
        lead.code(),
        lead.severity() == Severity.PROBLEM,
        sentence.toString(),
        findings,
        evidence);
  }
}
