package dev.portolan.why;

import dev.portolan.sampling.OwnedSocket;
import dev.portolan.why.WhyAnswer.Finding;
import dev.portolan.why.WhyAnswer.Severity;
import java.util.ArrayList;
import java.util.List;

/**
 * "Why can't I connect to HOST:PORT?": from a real attempt and, when the target is a node Portolan
 * samples, that node's own table: refused because nothing listens, or it listens on loopback only,
 * or on another address; a timeout (filtered, or the host is down); no route.
 */
public final class ConnectDiagnosis {
  private ConnectDiagnosis() {}

  /**
   * The answer for {@code attempt} made from {@code node}; {@code target} is the target node's
   * table, or null when the address belongs to no known node.
   */
  public static WhyAnswer answer(String node, ConnectAttempt attempt, TargetTable target) {
    String endpoint = AddressMatch.endpoint(attempt.address(), attempt.port());
    String subject =
        attempt.host().equals(attempt.address())
            ? endpoint
            : attempt.host() + ":" + attempt.port() + " (" + endpoint + ")";
    List<Finding> findings = new ArrayList<>();
    List<WhyAnswer.Evidence> evidence = new ArrayList<>();
    List<OwnedSocket> listeners = new ArrayList<>();
    List<OwnedSocket> hidden = new ArrayList<>();
    if (target != null) {
      for (OwnedSocket s : target.onPort()) {
        if (!s.socket().isListening()) {
          continue;
        }
        (target.own(s) ? listeners : hidden).add(s);
      }
      evidence.addAll(Holders.evidence("listener", listeners));
      evidence.addAll(Holders.evidence("other-namespace", hidden));
    }
    List<OwnedSocket> reaching =
        listeners.stream().filter(s -> reaches(s, attempt.address())).toList();
    String on = target == null ? null : " on " + target.node() + " (from its own table)";
    switch (attempt.status()) {
      case "connected" -> {
        return new WhyAnswer(
            "connect",
            subject,
            node,
            "connected",
            false,
            attempt.reason(),
            List.of(new Finding("connected", Severity.INFO, attempt.reason())),
            evidence);
      }
      case "refused" -> {
        if (target == null) {
          findings.add(
              new Finding(
                  "refused",
                  Severity.PROBLEM,
                  endpoint
                      + " refused the connection: the host is up, but nothing listens on port "
                      + attempt.port()
                      + " there, or a firewall rejects it with a reset. Portolan does not sample"
                      + " that host, so it cannot tell which."));
        } else if (listeners.isEmpty()) {
          findings.add(
              new Finding(
                  "not-listening",
                  Severity.PROBLEM,
                  "Connection refused: nothing listens on tcp/"
                      + attempt.port()
                      + on
                      + ". Start the service, or connect to the port it is configured for."
                      + (hidden.isEmpty()
                          ? ""
                          : " A listener in another network namespace ("
                              + Holders.namespaceText(hidden.getFirst())
                              + ") is not reachable at the node's addresses unless published.")));
        } else if (reaching.isEmpty()) {
          boolean loopback =
              listeners.stream().allMatch(s -> AddressMatch.loopback(s.socket().localAddress()));
          String addresses =
              String.join(
                  ", ",
                  listeners.stream()
                      .map(s -> AddressMatch.endpoint(s.socket().localAddress(), attempt.port()))
                      .distinct()
                      .toList());
          findings.add(
              loopback
                  ? new Finding(
                      "loopback-only",
                      Severity.PROBLEM,
                      "Connection refused: "
                          + Holders.texts(listeners)
                          + " listens on loopback only ("
                          + addresses
                          + ")"
                          + on
                          + ", so only local clients can connect. Bind it to 0.0.0.0 or "
                          + AddressMatch.plain(attempt.address())
                          + " to accept others.")
                  : new Finding(
                      "other-address",
                      Severity.PROBLEM,
                      "Connection refused: "
                          + Holders.texts(listeners)
                          + " listens on "
                          + addresses
                          + " only"
                          + on
                          + ", not on "
                          + AddressMatch.plain(attempt.address())
                          + ". Connect to that address, or bind the service to 0.0.0.0."));
        } else {
          findings.add(
              new Finding(
                  "rejected",
                  Severity.PROBLEM,
                  "Connection refused although "
                      + Holders.texts(reaching)
                      + " listens on tcp/"
                      + attempt.port()
                      + on
                      + ": a firewall rejects it with a reset (e.g. REJECT --reject-with"
                      + " tcp-reset)."));
        }
      }
      case "timeout" -> {
        if (!reaching.isEmpty()) {
          findings.add(
              new Finding(
                  "filtered",
                  Severity.PROBLEM,
                  "No answer from "
                      + endpoint
                      + " although "
                      + Holders.texts(reaching)
                      + " listens there"
                      + on
                      + ": a firewall drops the packets (the port is filtered)."));
        } else {
          findings.add(
              new Finding(
                  "timeout",
                  Severity.PROBLEM,
                  "No answer from "
                      + endpoint
                      + ": a firewall drops the packets (the port is filtered), or the host is"
                      + " down."
                      + (target != null && listeners.isEmpty()
                          ? " Nothing listens on tcp/" + attempt.port() + on + " either."
                          : "")));
        }
      }
      case "no-route" ->
          findings.add(
              new Finding(
                  "no-route",
                  Severity.PROBLEM,
                  "No route: "
                      + node
                      + " has no route to "
                      + AddressMatch.plain(attempt.address())
                      + " (see 'ip route get "
                      + AddressMatch.plain(attempt.address())
                      + "')."));
      case "host-unreachable" ->
          findings.add(new Finding("host-unreachable", Severity.PROBLEM, attempt.reason()));
      default -> findings.add(new Finding("error", Severity.PROBLEM, attempt.reason()));
    }
    findings.add(new Finding("attempt", Severity.INFO, attempt.reason()));
    return WhyAnswer.judged(
        "connect", subject, node, findings, evidence, "connected", attempt.reason());
  }

  /** Whether a connection to {@code address} reaches listener {@code s}. */
  static boolean reaches(OwnedSocket s, String address) {
    String local = s.socket().localAddress();
    if (AddressMatch.plain(local).equals("::")) {
      return true;
    }
    if (AddressMatch.plain(local).equals("0.0.0.0")) {
      return AddressMatch.ipv4(address);
    }
    return AddressMatch.plain(local).equals(AddressMatch.plain(address));
  }
}
