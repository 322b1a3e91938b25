package dev.portolan.why;

import dev.portolan.owner.OwnerStatus;
import dev.portolan.sampling.OwnedSocket;
import dev.portolan.socket.Protocol;
import dev.portolan.why.WhyAnswer.Finding;
import dev.portolan.why.WhyAnswer.Severity;
import java.util.ArrayList;
import java.util.List;

/**
 * "Why does bind(PROTO/PORT) fail here?": the port is in use by a process, held only by the
 * kernel's TIME-WAIT sockets, privileged, or inside the ephemeral range; or nothing stands in the
 * way. Judged from the sockets on the port in the node's own network namespace, read just now.
 */
public final class BindDiagnosis {
  private BindDiagnosis() {}

  /**
   * The answer for a bind of {@code proto}/{@code port} to {@code address} (null: any address) on
   * {@code node}, from {@code onPort} (the sockets whose local port is {@code port}, with owners)
   * and the kernel's {@code settings}.
   */
  public static WhyAnswer answer(
      String node,
      Protocol proto,
      int port,
      String address,
      List<OwnedSocket> onPort,
      PortSettings settings) {
    String what = proto.wireName() + "/" + port;
    String where =
        address == null || address.isBlank() ? "any address" : AddressMatch.plain(address);
    String subject = what + (address == null || address.isBlank() ? "" : " on " + where);
    List<OwnedSocket> held = new ArrayList<>();
    List<OwnedSocket> kernel = new ArrayList<>();
    List<OwnedSocket> elsewhere = new ArrayList<>();
    List<OwnedSocket> otherAddress = new ArrayList<>();
    for (OwnedSocket s : onPort) {
      if (s.socket().proto() != proto || s.socket().localPort() != port) {
        continue;
      }
      if (!Holders.ownNamespace(s)) {
        elsewhere.add(s);
      } else if (!AddressMatch.overlap(address, s.socket().localAddress())) {
        otherAddress.add(s);
      } else if (s.owner().status() == OwnerStatus.KERNEL
          || s.owner().status() == OwnerStatus.GONE) {
        // a socket whose holder exited since the read is the kernel's now (closing, TIME-WAIT)
        kernel.add(s);
      } else {
        held.add(s);
      }
    }
    List<Finding> findings = new ArrayList<>();
    List<WhyAnswer.Evidence> evidence = new ArrayList<>();
    if (!held.isEmpty()) {
      boolean listening = held.stream().anyMatch(s -> s.socket().isListening());
      findings.add(
          new Finding(
              "in-use",
              Severity.PROBLEM,
              what
                  + " is in use on "
                  + where
                  + ": "
                  + Holders.texts(held)
                  + (listening ? " listens there" : " holds " + held.size() + " socket(s) on it")
                  + ", so another bind fails with \"Address already in use\". Stop that process,"
                  + " or give the new server another port."
                  + (listening
                      ? " SO_REUSEPORT shares a port only when both set it and run as the same user."
                      : "")));
      evidence.addAll(Holders.evidence("holder", held));
    }
    if (!kernel.isEmpty()) {
      boolean timeWait =
          kernel.stream()
              .allMatch(s -> s.socket().state() == dev.portolan.socket.SocketState.TIME_WAIT);
      findings.add(
          new Finding(
              timeWait ? "time-wait" : "kernel-held",
              held.isEmpty() ? Severity.PROBLEM : Severity.INFO,
              "The kernel (no process) still holds "
                  + kernel.size()
                  + " socket(s) on "
                  + what
                  + (timeWait
                      ? " in TIME-WAIT, closed connections it keeps for about 60 s"
                      : " of closed connections")
                  + ": until they expire, a bind fails with \"Address already in use\", unless"
                  + " the new server sets SO_REUSEADDR and they were connections of a socket that"
                  + " set it too (a previous server's; most servers set it)."));
      evidence.addAll(Holders.evidence("time-wait", kernel));
    }
    if (settings.privileged(port)) {
      findings.add(
          new Finding(
              "privileged",
              Severity.PROBLEM,
              what
                  + " is privileged: ports below "
                  + settings.unprivilegedPortStart()
                  + " (net.ipv4.ip_unprivileged_port_start) need root or CAP_NET_BIND_SERVICE;"
                  + " any other process gets \"Permission denied\". Grant the capability"
                  + " (setcap cap_net_bind_service=+ep, or AmbientCapabilities= in a systemd unit)"
                  + " or use a port from "
                  + settings.unprivilegedPortStart()
                  + " up."));
    }
    if (settings.ephemeral(port)) {
      findings.add(
          new Finding(
              "ephemeral-range",
              Severity.RISK,
              what
                  + " is inside the ephemeral range "
                  + settings.ephemeralLow()
                  + "-"
                  + settings.ephemeralHigh()
                  + " (net.ipv4.ip_local_port_range): the kernel may give it to an outgoing"
                  + " connection first, and then the bind fails at random. Reserve it in"
                  + " net.ipv4.ip_local_reserved_ports, or choose a port outside the range."));
    }
    if (!otherAddress.isEmpty()) {
      findings.add(
          new Finding(
              "other-address",
              Severity.INFO,
              Holders.texts(otherAddress)
                  + " uses "
                  + what
                  + " on another address only ("
                  + otherAddress.getFirst().socket().localAddress()
                  + "), which does not stand in the way of "
                  + where
                  + "."));
      evidence.addAll(Holders.evidence("other-address", otherAddress));
    }
    if (!elsewhere.isEmpty()) {
      findings.add(
          new Finding(
              "other-namespace",
              Severity.INFO,
              elsewhere.size()
                  + " socket(s) on "
                  + what
                  + " live in other network namespaces (containers, pods, ip netns): they do not"
                  + " stand in the way of a bind in the node's own."));
      evidence.addAll(Holders.evidence("other-namespace", elsewhere));
    }
    return WhyAnswer.judged(
        "bind",
        subject,
        node,
        findings,
        evidence,
        "free",
        "Nothing holds " + what + " on " + where + " on " + node + ": a bind should succeed.");
  }
}
