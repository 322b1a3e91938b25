package dev.portolan.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The common part of {@code ss}'s filter language, parsed into a tree that tests a {@link
 * SocketRow}: {@code sport}/{@code dport} with {@code = == != > < >= <=} (or {@code eq ne gt lt ge
 * le}) and {@code :PORT}; {@code src}/{@code dst} with an address, a CIDR block, {@code [v6]:PORT},
 * {@code ADDR:PORT} or {@code *:PORT}; {@code state NAME} (a state or one of ss's groups:
 * connected, synchronized, bucket, big, all); {@code and}/{@code &&}, {@code or}/{@code ||}, {@code
 * not}/{@code !}, parentheses, and juxtaposition as {@code and}.
 *
 * <p>{@link #serverParameters} picks the parts the API's own filters can do (a port compared with
 * {@code =} and states, when they are joined by {@code and} at the top); the client applies the
 * whole expression in any case.
 */
sealed interface SocketFilterExpression {

  boolean test(SocketRow row);

  /** A usage error in an expression. */
  final class SyntaxException extends IllegalArgumentException {
    SyntaxException(String message) {
      super(message);
    }
  }

  record Port(boolean source, String op, int port) implements SocketFilterExpression {
    @Override
    public boolean test(SocketRow row) {
      if (row.isUnix()) {
        return false;
      }
      int p = source ? row.localPort() : row.remotePort();
      return switch (op) {
        case "=" -> p == port;
        case "!=" -> p != port;
        case ">" -> p > port;
        case "<" -> p < port;
        case ">=" -> p >= port;
        case "<=" -> p <= port;
        default -> throw new IllegalStateException(op);
      };
    }
  }

  /** An address (a CIDR block when {@code prefix} >= 0; any when null) and a port (0: any). */
  record Address(boolean source, byte[] address, int prefix, int port)
      implements SocketFilterExpression {
    @Override
    public boolean test(SocketRow row) {
      if (row.isUnix()) {
        return false;
      }
      int p = source ? row.localPort() : row.remotePort();
      if (port != 0 && p != port) {
        return false;
      }
      if (address == null) {
        return true;
      }
      String text = source ? row.localAddress() : row.remoteAddress();
      byte[] actual = bytes(text);
      return actual != null && within(actual, address, prefix);
    }

    private static boolean within(byte[] actual, byte[] wanted, int prefix) {
      if (actual.length != wanted.length) {
        return false;
      }
      int bits = prefix < 0 ? wanted.length * 8 : prefix;
      for (int i = 0; i < bits; i++) {
        int mask = 0x80 >> (i % 8);
        if ((actual[i / 8] & mask) != (wanted[i / 8] & mask)) {
          return false;
        }
      }
      return true;
    }

    /** The address's bytes, a v4-mapped IPv6 address as its IPv4 one; null when not an IP. */
    static byte[] bytes(String text) {
      if (text == null || text.isEmpty() || !(text.contains(":") || isIpv4Literal(text))) {
        return null;
      }
      try {
        return InetAddress.getByName(text).getAddress();
      } catch (UnknownHostException e) {
        return null;
      }
    }
  }

  record State(Set<String> states) implements SocketFilterExpression {
    @Override
    public boolean test(SocketRow row) {
      return states.contains(row.state());
    }
  }

  record And(SocketFilterExpression left, SocketFilterExpression right)
      implements SocketFilterExpression {
    @Override
    public boolean test(SocketRow row) {
      return left.test(row) && right.test(row);
    }
  }

  record Or(SocketFilterExpression left, SocketFilterExpression right)
      implements SocketFilterExpression {
    @Override
    public boolean test(SocketRow row) {
      return left.test(row) || right.test(row);
    }
  }

  record Not(SocketFilterExpression inner) implements SocketFilterExpression {
    @Override
    public boolean test(SocketRow row) {
      return !inner.test(row);
    }
  }

  /** Every socket (an empty expression). */
  record All() implements SocketFilterExpression {
    @Override
    public boolean test(SocketRow row) {
      return true;
    }
  }

  static boolean isIpv4Literal(String s) {
    return s.matches("\\d{1,3}(\\.\\d{1,3}){3}");
  }

  /** The expression the words say (shell arguments, joined); {@link SyntaxException} if bad. */
  static SocketFilterExpression parse(List<String> words) {
    return new Parser(tokens(String.join(" ", words))).all();
  }

  /**
   * The API query parameters that do part of this expression's work: {@code local-port}, {@code
   * remote-port} and {@code state} from the conjuncts at the top that are exactly those.
   */
  static Map<String, String> serverParameters(SocketFilterExpression e) {
    Map<String, String> out = new LinkedHashMap<>();
    List<SocketFilterExpression> conjuncts = new ArrayList<>();
    collect(e, conjuncts);
    // instanceof, not a switch on types: a type switch is linked at run time (a generated class),
    // which the short-lived client pays for on every `ls`
    for (SocketFilterExpression c : conjuncts) {
      if (c instanceof Port p && p.op().equals("=")) {
        out.putIfAbsent(p.source() ? "local-port" : "remote-port", Integer.toString(p.port()));
      } else if (c instanceof State s && !out.containsKey("state")) {
        out.put("state", String.join(",", new java.util.TreeSet<>(s.states())));
      }
    }
    return out;
  }

  private static void collect(SocketFilterExpression e, List<SocketFilterExpression> out) {
    if (e instanceof And(SocketFilterExpression l, SocketFilterExpression r)) {
      collect(l, out);
      collect(r, out);
    } else {
      out.add(e);
    }
  }

  private static List<String> tokens(String text) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '(' || c == ')') {
        out.add(String.valueOf(c));
        i++;
      } else if ("=!<>&|".indexOf(c) >= 0) {
        int j = i;
        while (j < text.length() && "=!<>&|".indexOf(text.charAt(j)) >= 0) {
          j++;
        }
        out.add(text.substring(i, j));
        i = j;
      } else {
        int j = i;
        while (j < text.length()
            && !Character.isWhitespace(text.charAt(j))
            && "()=!<>&|".indexOf(text.charAt(j)) < 0) {
          j++;
        }
        out.add(text.substring(i, j));
        i = j;
      }
    }
    return out;
  }

  /** ss's state names and groups, as the API's state names. */
  Map<String, Set<String>> STATES = states();

  private static Map<String, Set<String>> states() {
    Map<String, Set<String>> m = new LinkedHashMap<>();
    for (String s :
        List.of(
            "established",
            "syn-sent",
            "syn-recv",
            "fin-wait-1",
            "fin-wait-2",
            "time-wait",
            "closed",
            "close-wait",
            "last-ack",
            "listen",
            "closing")) {
      m.put(s, Set.of(s));
    }
    m.put("listening", Set.of("listen"));
    m.put("unconnected", Set.of("closed"));
    m.put("close", Set.of("closed"));
    m.put(
        "connected",
        Set.of(
            "established",
            "syn-sent",
            "fin-wait-1",
            "fin-wait-2",
            "close-wait",
            "last-ack",
            "closing"));
    m.put(
        "synchronized",
        Set.of("established", "fin-wait-1", "fin-wait-2", "close-wait", "last-ack", "closing"));
    m.put("bucket", Set.of("syn-recv", "time-wait"));
    m.put(
        "big",
        Set.of(
            "established",
            "syn-sent",
            "fin-wait-1",
            "fin-wait-2",
            "closed",
            "close-wait",
            "last-ack",
            "listen",
            "closing"));
    java.util.Set<String> all = new java.util.HashSet<>();
    m.values().forEach(all::addAll);
    m.put("all", Set.copyOf(all));
    return Map.copyOf(m);
  }

  /** Recursive descent over the tokens. */
  final class Parser {
    private final List<String> tokens;
    private int at;

    Parser(List<String> tokens) {
      this.tokens = tokens;
    }

    SocketFilterExpression all() {
      if (tokens.isEmpty()) {
        return new All();
      }
      SocketFilterExpression e = or();
      if (at < tokens.size()) {
        throw new SyntaxException("unexpected '" + tokens.get(at) + "' in the filter");
      }
      return e;
    }

    private String peek() {
      return at < tokens.size() ? tokens.get(at).toLowerCase(Locale.ROOT) : null;
    }

    private String next(String what) {
      if (at >= tokens.size()) {
        throw new SyntaxException("the filter ends where " + what + " was expected");
      }
      return tokens.get(at++);
    }

    private SocketFilterExpression or() {
      SocketFilterExpression left = and();
      while ("or".equals(peek()) || "||".equals(peek())) {
        at++;
        left = new Or(left, and());
      }
      return left;
    }

    private SocketFilterExpression and() {
      SocketFilterExpression left = unary();
      while (true) {
        String t = peek();
        if ("and".equals(t) || "&&".equals(t)) {
          at++;
          left = new And(left, unary());
        } else if (t != null && !t.equals(")") && !t.equals("or") && !t.equals("||")) {
          left = new And(left, unary());
        } else {
          return left;
        }
      }
    }

    private SocketFilterExpression unary() {
      String t = peek();
      if (t == null) {
        throw new SyntaxException("the filter ends where a condition was expected");
      }
      if (t.equals("not") || t.equals("!")) {
        at++;
        return new Not(unary());
      }
      if (t.equals("(")) {
        at++;
        SocketFilterExpression inner = or();
        if (!")".equals(peek())) {
          throw new SyntaxException("missing ')' in the filter");
        }
        at++;
        return inner;
      }
      at++;
      return switch (t) {
        case "sport", "dport" -> port(t.equals("sport"));
        case "src", "dst" -> address(t.equals("src"));
        case "state" -> state();
        case "exclude" -> new Not(state());
        default ->
            throw new SyntaxException(
                "unknown condition '"
                    + tokens.get(at - 1)
                    + "' in the filter (sport, dport, src, dst, state, and, or, not)");
      };
    }

    private String operator() {
      String t = peek();
      if (t == null) {
        return "=";
      }
      String op =
          switch (t) {
            case "=", "==", "eq" -> "=";
            case "!=", "ne", "neq" -> "!=";
            case ">", "gt" -> ">";
            case "<", "lt" -> "<";
            case ">=", "ge", "geq" -> ">=";
            case "<=", "le", "leq" -> "<=";
            default -> null;
          };
      if (op != null) {
        at++;
        return op;
      }
      return "=";
    }

    private SocketFilterExpression port(boolean source) {
      String op = operator();
      String word = next("a port");
      String digits = word.startsWith(":") ? word.substring(1) : word;
      return new Port(source, op, portNumber(digits, word));
    }

    private SocketFilterExpression address(boolean source) {
      String op = operator();
      if (!op.equals("=") && !op.equals("!=")) {
        throw new SyntaxException("src and dst take = or != only");
      }
      String word = next("an address");
      String host = word;
      int port = 0;
      if (word.startsWith("[")) {
        int close = word.indexOf(']');
        if (close < 0) {
          throw new SyntaxException("missing ']' in address '" + word + "'");
        }
        host = word.substring(1, close);
        String rest = word.substring(close + 1);
        if (rest.startsWith(":")) {
          port = rest.equals(":*") ? 0 : portNumber(rest.substring(1), word);
        }
      } else if (word.chars().filter(c -> c == ':').count() == 1) {
        int colon = word.indexOf(':');
        host = word.substring(0, colon);
        String p = word.substring(colon + 1);
        port = p.equals("*") || p.isEmpty() ? 0 : portNumber(p, word);
      }
      byte[] bytes = null;
      int prefix = -1;
      if (!host.isEmpty() && !host.equals("*")) {
        String base = host;
        int slash = host.indexOf('/');
        if (slash >= 0) {
          base = host.substring(0, slash);
          try {
            prefix = Integer.parseInt(host.substring(slash + 1));
          } catch (NumberFormatException e) {
            throw new SyntaxException("bad prefix length in '" + word + "'");
          }
        }
        bytes = Address.bytes(base);
        if (bytes == null) {
          try {
            bytes = InetAddress.getByName(base).getAddress();
          } catch (UnknownHostException e) {
            throw new SyntaxException("unknown host '" + base + "' in the filter");
          }
        }
        if (prefix > bytes.length * 8) {
          throw new SyntaxException("prefix /" + prefix + " is too long for " + base);
        }
      }
      SocketFilterExpression e = new Address(source, bytes, prefix, port);
      return op.equals("!=") ? new Not(e) : e;
    }

    private SocketFilterExpression state() {
      String word = next("a state").toLowerCase(Locale.ROOT);
      Set<String> states = STATES.get(word);
      if (states == null) {
        throw new SyntaxException(
            "unknown state '"
                + word
                + "' ("
                + String.join(", ", new java.util.TreeSet<>(STATES.keySet()))
                + ")");
      }
      return new State(states);
    }

    private static int portNumber(String digits, String word) {
      try {
        int p = Integer.parseInt(digits);
        if (p < 0 || p > 65535) {
          throw new NumberFormatException();
        }
        return p;
      } catch (NumberFormatException e) {
        throw new SyntaxException("bad port '" + word + "' in the filter (0 to 65535, like :22)");
      }
    }
  }
}
