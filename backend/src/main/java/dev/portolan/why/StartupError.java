package dev.portolan.why;

import dev.portolan.owner.ProcessInfo;
import dev.portolan.sampling.OwnedSocket;
import dev.portolan.socket.Protocol;
import java.io.IOException;
import java.net.BindException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Portolan's own start-up failure in one line. A port in use names the port, the flag that sets it,
 * and who holds it (pid and name, from the owner index; the kernel for TIME-WAIT sockets); a
 * privileged port says so; anything else is the innermost cause's first line.
 */
public final class StartupError {
  private static final Pattern PORT_IN_MESSAGE = Pattern.compile("[Pp]ort \\[?(\\d{1,5})\\]?");

  private final List<ListenPort> ports;
  private final PortSockets sockets;
  private final long ownPid;
  private final PortSettings settings;

  /**
   * For a process that listens on {@code ports}, reads holders with {@code sockets} (null: the
   * table cannot be read, no holder is named); its own sockets ({@code ownPid}) are no clash.
   */
  public StartupError(
      List<ListenPort> ports, PortSockets sockets, long ownPid, PortSettings settings) {
    this.ports = List.copyOf(ports);
    this.sockets = sockets;
    this.ownPid = ownPid;
    this.settings = settings;
  }

  /** The line for {@code failure}, starting "cannot start: ". */
  public String line(Throwable failure) {
    String message = innermostMessage(failure);
    String lower = message.toLowerCase(Locale.ROOT);
    if (lower.contains("already in use") || has(failure, BindException.class, "in use")) {
      return "cannot start: " + inUse(message);
    }
    if (lower.contains("permission denied") && has(failure, BindException.class, "denied")) {
      for (ListenPort p : ports) {
        if (settings.privileged(p.port())) {
          return "cannot start: port "
              + p.port()
              + " ("
              + p.flag()
              + ") is privileged: ports below "
              + settings.unprivilegedPortStart()
              + " need root or CAP_NET_BIND_SERVICE; give "
              + p.flag()
              + " a port from "
              + settings.unprivilegedPortStart()
              + " up, or grant the capability";
        }
      }
    }
    return "cannot start: " + message;
  }

  private String inUse(String message) {
    Integer named = portIn(message);
    List<ListenPort> order = new ArrayList<>();
    for (ListenPort p : ports) {
      if (named != null && p.port() == named) {
        order.addFirst(p);
      } else if (p.port() != 0) {
        order.add(p);
      }
    }
    for (ListenPort p : order) {
      WhyAnswer answer = holders(p);
      if (answer == null) {
        continue;
      }
      String where = "port " + p.port() + " (" + p.flag() + ") on " + p.host();
      if (answer.verdict().equals("in-use")) {
        return where
            + " is in use by "
            + holderText(answer)
            + ": stop it, or give "
            + p.flag()
            + " another port";
      }
      if (answer.verdict().equals("time-wait") || answer.verdict().equals("kernel-held")) {
        return where
            + " is held by the kernel's TIME-WAIT sockets of closed connections (no process):"
            + " wait about a minute, or give "
            + p.flag()
            + " another port";
      }
    }
    for (ListenPort p : order) {
      if (named != null && p.port() == named) {
        return "port "
            + p.port()
            + " ("
            + p.flag()
            + ") on "
            + p.host()
            + " is already in use: give "
            + p.flag()
            + " another port";
      }
    }
    List<String> candidates = new ArrayList<>();
    for (ListenPort p : order) {
      candidates.add(p.flag() + " " + p.port());
    }
    return message
        + (candidates.isEmpty()
            ? ""
            : " (one of " + String.join(", ", candidates) + "; no other process holds them now)");
  }

  /** The bind answer for {@code p} without this process's own sockets; null if unreadable. */
  private WhyAnswer holders(ListenPort p) {
    if (sockets == null) {
      return null;
    }
    List<OwnedSocket> others = new ArrayList<>();
    try {
      for (OwnedSocket s : sockets.onPort(Protocol.TCP, p.port())) {
        ProcessInfo info = s.owner().process();
        if (info == null || info.pid() != ownPid) {
          others.add(s);
        }
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return BindDiagnosis.answer("this node", Protocol.TCP, p.port(), p.host(), others, settings);
  }

  private static String holderText(WhyAnswer answer) {
    List<String> names = new ArrayList<>();
    for (WhyAnswer.Evidence e : answer.evidence()) {
      if (!e.role().equals("holder")) {
        continue;
      }
      String name =
          e.pid() == 0
              ? "a process whose descriptors cannot be read"
              : e.process()
                  + " (pid "
                  + e.pid()
                  + (e.user() == null ? "" : ", user " + e.user())
                  + ")";
      if (!names.contains(name)) {
        names.add(name);
      }
    }
    return String.join(" and ", names);
  }

  static Integer portIn(String message) {
    Matcher m = PORT_IN_MESSAGE.matcher(message);
    if (m.find()) {
      int port = Integer.parseInt(m.group(1));
      return port > 0 && port <= 65535 ? port : null;
    }
    return null;
  }

  /** The most specific cause's message, first line only (the failure's class when none). */
  static String innermostMessage(Throwable failure) {
    String found = null;
    Throwable t = failure;
    for (int depth = 0; t != null && depth < 32; depth++, t = t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        // the outermost explains more when the inner one is the bare errno text
        if (found == null || !isBareErrno(t.getMessage())) {
          found = t.getMessage();
        }
      }
    }
    if (found == null) {
      found = failure == null ? "unknown failure" : failure.getClass().getSimpleName();
    }
    return found.lines().findFirst().orElse(found).strip();
  }

  private static boolean isBareErrno(String message) {
    String m = message.strip().toLowerCase(Locale.ROOT);
    return m.equals("address already in use") || m.equals("permission denied");
  }

  private static boolean has(Throwable failure, Class<? extends Throwable> type, String words) {
    Throwable t = failure;
    for (int depth = 0; t != null && depth < 32; depth++, t = t.getCause()) {
      if (type.isInstance(t)
          && t.getMessage() != null
          && t.getMessage().toLowerCase(Locale.ROOT).contains(words)) {
        return true;
      }
    }
    return false;
  }
}
