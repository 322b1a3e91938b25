package dev.portolan.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.bridge.RequestRetry.Failure;
import dev.portolan.bus.Addresses;
import org.junit.jupiter.api.Test;

class RequestRetryTest {
  private static String on(String service) {
    return Addresses.onNode("web-1.example", service);
  }

  @Test
  void theServiceIsTheLongestKnownSuffixAfterTheNodeName() {
    assertEquals(Addresses.SOCKETS_QUERY, RequestRetry.service(on(Addresses.SOCKETS_QUERY)));
    assertEquals(Addresses.SCAN_STATUS, RequestRetry.service(on(Addresses.SCAN_STATUS)));
    assertEquals(Addresses.SUMMARY, RequestRetry.service("portolan.node.a.summary"));
    assertNull(RequestRetry.service("portolan.node.summary"), "no node name");
    assertNull(RequestRetry.service("portolan.fleet.summary"));
    assertNull(RequestRetry.service("portolan.node.a.unknown"));
    assertNull(RequestRetry.service(null));
  }

  @Test
  void readsAreAskedAgainAtOnceAfterATimeout() {
    for (String read :
        new String[] {
          Addresses.SNAPSHOT,
          Addresses.SOCKETS_QUERY,
          Addresses.SUMMARY,
          Addresses.NODE_INFO,
          Addresses.OWNER_LOOKUP,
          Addresses.PORT_CHECK,
          Addresses.SCAN_STATUS,
          Addresses.SCAN_LIST,
          Addresses.SCAN_POLICY,
          Addresses.CONNECTIVITY
        }) {
      assertEquals(0, RequestRetry.retryAfterMillis(on(read), false, Failure.TIMEOUT), read);
    }
  }

  @Test
  void whatChangesSomethingIsNotAskedAgainAfterATimeout() {
    assertEquals(
        -1, RequestRetry.retryAfterMillis(on(Addresses.SCAN_START), false, Failure.TIMEOUT));
    assertEquals(
        -1, RequestRetry.retryAfterMillis(on(Addresses.SCAN_CANCEL), false, Failure.TIMEOUT));
    assertEquals(
        -1,
        RequestRetry.retryAfterMillis(on(Addresses.SCAN_POLICY), true, Failure.TIMEOUT),
        "a policy change");
  }

  @Test
  void anythingThatReachedNoHandlerIsAskedAgainAfterAPause() {
    for (String service : Addresses.NODE_SERVICES) {
      assertEquals(
          RequestRetry.PAUSE_MILLIS,
          RequestRetry.retryAfterMillis(on(service), false, Failure.NO_HANDLERS),
          service);
    }
    assertEquals(
        RequestRetry.PAUSE_MILLIS,
        RequestRetry.retryAfterMillis(on(Addresses.SCAN_POLICY), true, Failure.NO_HANDLERS));
  }

  @Test
  void aConnectionClosedUnderARequestMayHaveRunItSoOnlyReadsAreAskedAgain() {
    assertEquals(
        Failure.CONNECTION_CLOSED,
        RequestRetry.ofReply(503, "unavailable: the agent's connection to its hub closed"));
    assertEquals(Failure.OTHER, RequestRetry.ofReply(503, "busy: too many unanswered"));
    assertEquals(Failure.OTHER, RequestRetry.ofReply(500, "unavailable: x"));
    assertEquals(Failure.OTHER, RequestRetry.ofReply(503, null));
    assertEquals(
        RequestRetry.PAUSE_MILLIS,
        RequestRetry.retryAfterMillis(
            on(Addresses.OWNER_LOOKUP), false, Failure.CONNECTION_CLOSED));
    assertEquals(
        -1,
        RequestRetry.retryAfterMillis(on(Addresses.SCAN_START), false, Failure.CONNECTION_CLOSED));
  }

  @Test
  void otherFailuresAndHubLocalServicesAreNeverAskedAgain() {
    assertEquals(-1, RequestRetry.retryAfterMillis(on(Addresses.SUMMARY), false, Failure.OTHER));
    assertEquals(
        -1, RequestRetry.retryAfterMillis(Addresses.FLEET_SUMMARY, false, Failure.NO_HANDLERS));
    assertEquals(-1, RequestRetry.retryAfterMillis(Addresses.FLEET_NODES, false, Failure.TIMEOUT));
  }

  @Test
  void aReadsFirstAttemptLeavesTheRetrySixSeconds() {
    String summary = on(Addresses.SUMMARY);
    assertEquals(4_000, RequestRetry.firstAttemptMillis(summary, false, 10_000));
    assertEquals(9_000, RequestRetry.firstAttemptMillis(summary, false, 15_000), "a long check");
    assertEquals(4_000, RequestRetry.firstAttemptMillis(summary, false, 5_000), "at least 4 s");
    assertEquals(2_000, RequestRetry.firstAttemptMillis(summary, false, 2_000), "never more");
    assertEquals(10_000, RequestRetry.firstAttemptMillis(on(Addresses.SCAN_START), false, 10_000));
    assertEquals(10_000, RequestRetry.firstAttemptMillis(on(Addresses.SCAN_POLICY), true, 10_000));
    assertEquals(10_000, RequestRetry.firstAttemptMillis(Addresses.FLEET_NODES, false, 10_000));
  }

  @Test
  void readsAreTheServicesThatChangeNothing() {
    assertTrue(RequestRetry.isRead(on(Addresses.SCAN_POLICY), false));
    assertFalse(RequestRetry.isRead(on(Addresses.SCAN_POLICY), true));
    assertFalse(RequestRetry.isRead(on(Addresses.SCAN_START), false));
    assertFalse(RequestRetry.isRead(on(Addresses.SCAN_CANCEL), false));
  }
}
