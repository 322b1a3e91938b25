package dev.portolan.why;

import dev.portolan.sampling.Exposure;
import dev.portolan.sampling.OwnedSocket;
import dev.portolan.socket.Protocol;
import dev.portolan.why.WhyAnswer.Finding;
import dev.portolan.why.WhyAnswer.Severity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * "What about PROTO/PORT?": everything a node knows about a port: its listeners in every network
 * namespace with their owners and exposure, its connections by state, the service name, and whether
 * it is privileged or inside the ephemeral range. Not a problem in itself: the verdict says how far
 * the port is exposed ({@code not-listening}, {@code loopback-only}, {@code all-interfaces}, {@code
 * specific-addresses}).
 */
public final class PortDiagnosis {
  private PortDiagnosis() {}

  public static WhyAnswer answer(
      String node,
      Protocol proto,
      int port,
      String service,
      List<OwnedSocket> onPort,
      PortSettings settings) {
    String what = proto.wireName() + "/" + port + (service == null ? "" : " (" + service + ")");
    List<OwnedSocket> listeners = new ArrayList<>();
    List<OwnedSocket> connections = new ArrayList<>();
    for (OwnedSocket s : onPort) {
      if (s.socket().proto() != proto || s.socket().localPort() != port) {
        continue;
      }
      (s.socket().isListening() ? listeners : connections).add(s);
    }
    List<Finding> findings = new ArrayList<>();
    List<WhyAnswer.Evidence> evidence = new ArrayList<>();
    if (service != null) {
      findings.add(
          new Finding(
              "service",
              Severity.INFO,
              proto.wireName() + "/" + port + " is " + service + " in the services list."));
    }
    Map<String, List<OwnedSocket>> byNamespace = new LinkedHashMap<>();
    for (OwnedSocket s : listeners) {
      String ns = Holders.namespaceText(s);
      byNamespace.computeIfAbsent(ns == null ? "host" : ns, k -> new ArrayList<>()).add(s);
    }
    for (var e : byNamespace.entrySet()) {
      List<String> parts = new ArrayList<>();
      for (OwnedSocket s : e.getValue()) {
        parts.add(
            AddressMatch.endpoint(s.socket().localAddress(), port)
                + " ("
                + Exposure.of(s.socket().localAddress()).wireName()
                + ")");
      }
      findings.add(
          new Finding(
              "listener",
              Severity.INFO,
              "In the "
                  + e.getKey()
                  + " namespace, "
                  + Holders.texts(e.getValue())
                  + " listens on "
                  + String.join(", ", parts.stream().distinct().toList())
                  + "."));
    }
    evidence.addAll(Holders.evidence("listener", listeners));
    if (!connections.isEmpty()) {
      Map<String, Integer> byState = new LinkedHashMap<>();
      for (OwnedSocket s : connections) {
        byState.merge(s.socket().state().ssName(), 1, Integer::sum);
      }
      List<String> counts = new ArrayList<>();
      byState.forEach((state, n) -> counts.add(n + " " + state));
      findings.add(
          new Finding(
              "connections",
              Severity.INFO,
              connections.size()
                  + " other socket(s) use "
                  + proto.wireName()
                  + "/"
                  + port
                  + " as their local port: "
                  + String.join(", ", counts)
                  + "."));
      evidence.addAll(Holders.evidence("connection", connections));
    }
    if (settings.privileged(port)) {
      findings.add(
          new Finding(
              "privileged",
              Severity.INFO,
              "It is a privileged port (below "
                  + settings.unprivilegedPortStart()
                  + "): binding it needs root or CAP_NET_BIND_SERVICE."));
    }
    if (settings.ephemeral(port)) {
      findings.add(
          new Finding(
              "ephemeral-range",
              Severity.INFO,
              "It is inside the ephemeral range "
                  + settings.ephemeralLow()
                  + "-"
                  + settings.ephemeralHigh()
                  + ": outgoing connections may take it before a server binds it."));
    }
    String verdict;
    String sentence;
    List<OwnedSocket> own = listeners.stream().filter(Holders::ownNamespace).toList();
    if (own.isEmpty()) {
      verdict = "not-listening";
      sentence =
          "Nothing listens on "
              + what
              + " in "
              + node
              + "'s own namespace: clients connecting to its addresses get \"connection"
              + " refused\""
              + (listeners.isEmpty() ? "." : "; it listens in other namespaces only.");
    } else {
      List<Exposure> exposures =
          own.stream().map(s -> Exposure.of(s.socket().localAddress())).distinct().toList();
      if (exposures.contains(Exposure.ALL_INTERFACES)) {
        verdict = "all-interfaces";
        sentence = what + " listens on all interfaces of " + node;
      } else if (exposures.equals(List.of(Exposure.LOOPBACK_ONLY))) {
        verdict = "loopback-only";
        sentence = what + " listens on loopback only on " + node + ": remote clients are refused";
      } else {
        verdict = "specific-addresses";
        sentence =
            what
                + " listens on "
                + String.join(
                    ", ", own.stream().map(s -> s.socket().localAddress()).distinct().toList())
                + " only on "
                + node;
      }
      sentence += ", owned by " + Holders.texts(own) + ".";
    }
    return new WhyAnswer(
        "port", proto.wireName() + "/" + port, node, verdict, false, sentence, findings, evidence);
  }
}
