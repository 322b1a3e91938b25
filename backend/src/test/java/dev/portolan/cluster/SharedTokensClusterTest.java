package dev.portolan.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portolan.web.AccessFixture;
import dev.portolan.web.Await;
import dev.portolan.web.RunningNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real hubs in one cluster: an API token made on one is valid on the other, and revoked on the
 * other it is refused on the first (the tokens live in the cluster's replicated map).
 */
class SharedTokensClusterTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @Test
  void aTokenMintedOnOneHubWorksOnTheOtherUntilRevoked(@TempDir Path dir) throws Exception {
    ClusterFixture cluster = new ClusterFixture();
    String users = AccessFixture.usersFile(dir).toString();
    Map<String, Object> first = cluster.hub();
    first.put("users", users);
    Map<String, Object> second = cluster.hub();
    second.put("users", users);
    second.put("nodeName", "hub-2");
    second.put("clusterPort", ClusterFixture.freePort());
    second.put("bridgePort", ClusterFixture.freePort());
    second.put("join", "127.0.0.1:" + cluster.hubPort);
    try (RunningNode one = ClusterFixture.start(first);
        RunningNode two = ClusterFixture.start(second)) {
      String admin = AccessFixture.login(one, AccessFixture.ADMIN);
      RunningNode.Reply made =
          one.send(
              "POST",
              "/api/v1/tokens",
              "{\"name\":\"prometheus\",\"role\":\"viewer\"}",
              "application/json",
              "Cookie",
              admin);
      assertEquals(201, made.status(), made.body());
      String bearer = "Bearer " + made.json().getString("token");
      String id = made.json().getString("id");

      Await.until(
          "the token valid on the other hub",
          DEADLINE,
          () -> status(two, bearer) == 200 ? true : null);

      String admin2 = AccessFixture.login(two, AccessFixture.ADMIN);
      RunningNode.Reply revoked =
          two.send("DELETE", "/api/v1/tokens/" + id, null, null, "Cookie", admin2);
      assertEquals(204, revoked.status(), revoked.body());
      Await.until(
          "the token refused on the first hub",
          DEADLINE,
          () -> status(one, bearer) == 401 ? true : null);
    }
  }

  private static int status(RunningNode hub, String bearer) {
    return hub.send("GET", "/api/v1/nodes", null, null, "Authorization", bearer).status();
  }
}
