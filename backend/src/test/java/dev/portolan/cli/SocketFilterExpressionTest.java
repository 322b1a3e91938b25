package dev.portolan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ss's filter language on rows in the API's shape. */
class SocketFilterExpressionTest {

  private static SocketRow row(
      String state, String local, int localPort, String remote, int remotePort) {
    return SocketRow.fromJson(
        Json.parseObject(
            "{\"node\":\"n\",\"proto\":\"tcp\",\"family\":\""
                + (local.contains(":") ? "ipv6" : "ipv4")
                + "\",\"state\":\""
                + state
                + "\",\"localAddress\":\""
                + local
                + "\",\"localPort\":"
                + localPort
                + ",\"remoteAddress\":\""
                + remote
                + "\",\"remotePort\":"
                + remotePort
                + "}"));
  }

  private static boolean matches(String expression, SocketRow row) {
    return SocketFilterExpression.parse(List.of(expression.split(" "))).test(row);
  }

  static final SocketRow SSH = row("listen", "0.0.0.0", 22, "0.0.0.0", 0);
  static final SocketRow DB = row("established", "10.1.2.3", 40000, "10.9.8.7", 5432);
  static final SocketRow V6 = row("established", "::ffff:127.0.0.1", 8080, "::1", 51000);

  @Test
  void portsCompareAsSsDoes() {
    assertTrue(matches("sport = :22", SSH));
    assertTrue(matches("sport == 22", SSH));
    assertFalse(matches("sport != :22", SSH));
    assertTrue(matches("dport = :5432", DB));
    assertTrue(matches("sport > :1024", DB));
    assertTrue(matches("sport ge :40000", DB));
    assertFalse(matches("sport lt :40000", DB));
  }

  @Test
  void addressesBlocksAndPorts() {
    assertTrue(matches("dst 10.0.0.0/8", DB));
    assertTrue(matches("dst 10.9.8.7:5432", DB));
    assertFalse(matches("dst 10.9.8.7:5433", DB));
    assertTrue(matches("src 10.1.2.3", DB));
    assertFalse(matches("src 192.168.0.0/16", DB));
    assertTrue(matches("src *:8080", V6));
    assertTrue(matches("src 127.0.0.1", V6), "a v4-mapped address is its IPv4 one");
    assertTrue(matches("dst [::1]:51000", V6));
    assertTrue(matches("dst ::1", V6));
  }

  @Test
  void booleansStatesAndParentheses() {
    assertTrue(matches("( sport = :22 or dport = :5432 ) and not state listen", DB));
    assertFalse(matches("( sport = :22 or dport = :5432 ) and not state listen", SSH));
    assertTrue(matches("state connected dst 10.9.8.7", DB), "juxtaposed conditions are and");
    assertTrue(matches("! ( sport = :1 || sport = :2 )", SSH));
    assertTrue(matches("exclude listening", DB));
    assertTrue(SocketFilterExpression.parse(List.of()).test(DB));
  }

  @Test
  void theServerDoesWhatItCanOnlyFromTopLevelConjuncts() {
    assertEquals(
        Map.of("local-port", "22", "state", "listen"),
        SocketFilterExpression.serverParameters(
            SocketFilterExpression.parse(List.of("sport", "=", ":22", "and", "state", "listen"))));
    assertEquals(
        Map.of(),
        SocketFilterExpression.serverParameters(
            SocketFilterExpression.parse(List.of("sport = :22 or dport = :22"))));
    assertEquals(
        Map.of("remote-port", "443"),
        SocketFilterExpression.serverParameters(
            SocketFilterExpression.parse(List.of("dport = :443 and sport > :1024"))));
  }

  @Test
  void badExpressionsSayWhy() {
    for (String bad :
        List.of(
            "sport = :x", "( sport = :22", "state nonsense", "bogus 1", "src", "dst 10.0.0.0/40")) {
      var e =
          assertThrows(
              SocketFilterExpression.SyntaxException.class,
              () -> SocketFilterExpression.parse(List.of(bad)));
      assertFalse(e.getMessage().isBlank());
    }
  }
}
