package dev.portolan.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every endpoint's bad input: a 400 (or 404) with a JSON {error, detail}; never a 500. */
class BadInputTest extends NodeTestBase {
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "/api/v1/sockets?port=70000|400|invalid port",
        "/api/v1/sockets?port=abc|400|invalid port",
        "/api/v1/sockets?local-port=-1|400|invalid local-port",
        "/api/v1/sockets?remote-port=1e3|400|invalid remote-port",
        "/api/v1/sockets?proto=icmp|400|invalid proto",
        "/api/v1/sockets?state=dancing|400|invalid state",
        "/api/v1/sockets?pid=-5|400|invalid pid",
        "/api/v1/sockets?pid=abc|400|invalid pid",
        "/api/v1/sockets?listening=perhaps|400|invalid listening",
        "/api/v1/sockets?limit=0|400|invalid limit",
        "/api/v1/sockets?limit=many|400|invalid limit",
        "/api/v1/sockets?cursor=garbage|400|invalid cursor",
        "/api/v1/sockets?cursor=YzEx|400|invalid cursor",
        "/api/v1/sockets?prot=tcp|400|unknown parameter",
        "/api/v1/sockets?port=1&port=2|400|repeated parameter",
        "/api/v1/sockets?node=elsewhere|404|unknown node",
        "/api/v1/owners?proto=tcp|400|missing port",
        "/api/v1/owners?port=22|400|missing proto",
        "/api/v1/owners?proto=unix&port=22|400|invalid proto",
        "/api/v1/owners?proto=tcp&port=65536|400|invalid port",
        "/api/v1/owners?proto=tcp&port=%00|400|invalid port",
        "/api/v1/owners?proto=tcp&port=22&node=elsewhere|404|unknown node",
        "/api/v1/check?proto=tcp&port=abc|400|invalid port",
        "/api/v1/check?proto=xyz&port=22|400|invalid proto",
        "/api/v1/check?port=22|400|missing proto",
        "/api/v1/processes/test-node/-1|400|invalid pid",
        "/api/v1/processes/test-node/abc|400|invalid pid",
        "/api/v1/processes/test-node/99999999999|400|invalid pid",
        "/api/v1/processes/test-node/4194304|404|not found",
        "/api/v1/processes/elsewhere/1|404|unknown node",
        "/api/v1/summary?node=elsewhere|404|unknown node",
        "/api/v1/summary?x=1|400|unknown parameter",
        "/api/v1/nodes?x=1|400|unknown parameter",
        "/api/v1/events?port=99999|400|invalid port",
        "/api/v1/events?last-event-id=abc|400|invalid last-event-id",
        "/api/v1/events?last-event-id=-4|400|invalid last-event-id",
        "/api/v1/events?last-event-id=9999999999999999999999|400|invalid last-event-id",
        "/api/v1/nothing-here|404|not found",
      })
  void answersWithAClearJsonError(String path, int status, String error) {
    RunningNode.Reply r = node.get(path);
    assertEquals(status, r.status(), r.body());
    assertTrue(r.contentType().startsWith("application/json"), r.contentType());
    JsonObject body = r.json();
    assertEquals(error, body.getString("error"), body.encode());
    assertFalse(body.getString("detail", "").isBlank(), body.encode());
  }
}
