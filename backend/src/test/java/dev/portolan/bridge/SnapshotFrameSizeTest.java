package dev.portolan.bridge;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.bus.SnapshotReply;
import dev.portolan.owner.Owner;
import dev.portolan.owner.ProcessInfo;
import dev.portolan.sampling.OwnedSocket;
import dev.portolan.service.ServiceNames;
import dev.portolan.socket.Family;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The largest frame an agent sends is its snapshot. One of 50,000 sockets, each row as long as rows
 * get in practice (TCP over IPv6 with full-length addresses, owned by processes with long command
 * lines, a systemd unit and a container id), must pass the bridge's frame limit with room to spare.
 */
class SnapshotFrameSizeTest {
  @Test
  void aSnapshotOf50000LongRowsFitsTwiceInTheFrameLimit() {
    List<OwnedSocket> rows = new ArrayList<>();
    List<Owner> owners = new ArrayList<>();
    for (int p = 0; p < 50; p++) {
      owners.add(
          Owner.of(
              new ProcessInfo(
                  100_000 + p,
                  "java-service-" + p,
                  1000 + p,
                  "service-user-" + p,
                  "/usr/lib/jvm/java-25/bin/java -Xmx4g -XX:+UseZGC -Dservice.name=svc-"
                      + p
                      + " -cp /opt/app/lib/* "
                      + "x".repeat(800)
                      + " com.example.Main --port 8443",
                  "app-" + p + ".service",
                  "a".repeat(64),
                  123_456_789L)));
    }
    for (int i = 0; i < 50_000; i++) {
      rows.add(
          new OwnedSocket(
              SocketEntry.inet(
                  Protocol.TCP,
                  Family.IPV6,
                  "2001:db8:ffff:ffff:ffff:ffff:ffff:" + Integer.toHexString(i % 65536),
                  8443,
                  "2001:db8:eeee:eeee:eeee:eeee:eeee:" + Integer.toHexString(i % 65536),
                  40_000 + i % 20_000,
                  SocketState.ESTABLISHED,
                  123_456,
                  654_321,
                  1000,
                  10_000_000L + i),
              owners.get(i % owners.size())));
    }
    byte[] json =
        new SnapshotReply("node-with-a-long-name.example.internal", "epoch", 1L, 0L, rows)
            .toJson(ServiceNames.builtInOnly())
            .encode()
            .getBytes(StandardCharsets.UTF_8);
    int limit = AgentRules.Limits.DEFAULT.maxFrameBytes();
    System.out.printf(
        "snapshot of 50,000 long rows: %.1f MiB (%d bytes a row); frame limit %d MiB%n",
        json.length / 1048576.0, json.length / 50_000, limit >> 20);
    assertTrue(
        2L * json.length < limit,
        "a 50k-socket snapshot of " + json.length + " bytes must pass twice within " + limit);
  }
}
