package dev.portolan.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.config.PortolanConfig;
import dev.portolan.limit.ConnectionLimits.Admission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConnectionLimitsTest {

  @Test
  void admitsUnderBothCapsAndRefusesOverEither() {
    ConnectionLimits limits = new ConnectionLimits(5, 3);
    for (int i = 0; i < 3; i++) {
      assertEquals(Admission.ADMITTED, limits.open("10.0.0.1"));
    }
    assertEquals(Admission.OVER_ADDRESS_CAP, limits.open("10.0.0.1"));
    assertEquals(Admission.ADMITTED, limits.open("10.0.0.2"));
    assertEquals(Admission.ADMITTED, limits.open("10.0.0.2"));
    assertEquals(Admission.OVER_TOTAL_CAP, limits.open("10.0.0.3"));
    assertEquals(5, limits.open());
    assertEquals(1, limits.refusedOverAddressCap());
    assertEquals(1, limits.refusedOverTotalCap());

    limits.closed("10.0.0.1");
    assertEquals(2, limits.openFrom("10.0.0.1"));
    assertEquals(Admission.ADMITTED, limits.open("10.0.0.3"));
    limits.closed("10.0.0.2");
    limits.closed("10.0.0.2");
    assertEquals(0, limits.openFrom("10.0.0.2"));
    assertEquals(2, limits.addresses(), "an address with nothing held is forgotten");
  }

  @Test
  void theTotalCapLeavesTheReserveOfTheDescriptorLimit() {
    assertEquals(
        4096, ConnectionLimits.effectiveTotal(4096, 20_000), "20000 - 2000 leaves room for 4096");
    assertEquals(2000, ConnectionLimits.reserve(20_000));
    assertEquals(3072, ConnectionLimits.effectiveTotal(4096, 4096), "4096 - 1024");
    assertEquals(1000, ConnectionLimits.effectiveTotal(4096, 2000), "half of a small limit");
    assertEquals(512, ConnectionLimits.effectiveTotal(4096, 1024), "half of a small limit");
    assertEquals(ConnectionLimits.MIN_TOTAL, ConnectionLimits.effectiveTotal(4096, 20));
    assertEquals(4096, ConnectionLimits.effectiveTotal(4096, -1), "no limit known: as configured");
    ConnectionLimits limits = ConnectionLimits.of(ConnectionSettings.defaults(), 1024);
    assertEquals(512, limits.maxTotal());
    assertEquals(512, limits.maxPerAddress(), "the per-address cap follows it down");
    assertTrue(ConnectionLimits.fileDescriptorLimit() > 0, "this JVM knows its limit");
  }

  @Test
  void theLimitFromProcIsTheOneJmxSays(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      assertEquals(unix.getMaxFileDescriptorCount(), ConnectionLimits.fileDescriptorLimit());
    }
    java.nio.file.Path limits =
        java.nio.file.Files.writeString(
            dir.resolve("limits"),
            "Limit                     Soft Limit           Hard Limit           Units     \n"
                + "Max processes             unlimited            unlimited            processes \n"
                + "Max open files            1024                 524288               files     \n");
    assertEquals(1024, ConnectionLimits.fileDescriptorLimit(limits));
    java.nio.file.Files.writeString(
        limits, "Max open files            unlimited            unlimited            files\n");
    assertEquals(Long.MAX_VALUE, ConnectionLimits.fileDescriptorLimit(limits));
    assertEquals(-1, ConnectionLimits.fileDescriptorLimit(dir.resolve("none")));
  }

  @Test
  void countsStayExactWhenManyThreadsOpenAndCloseAtOnce() throws Exception {
    // 8 threads, 4 per address; each round every thread tries 20 connections, all hold them at once
    // (a barrier), then
    // close what they got: 80 tries per address against a cap of 60, so exactly 20 refused per
    // address and round.
    int threads = 8;
    int rounds = 300;
    ConnectionLimits limits = new ConnectionLimits(1000, 60);
    CyclicBarrier holding = new CyclicBarrier(threads);
    AtomicInteger overCapSeen = new AtomicInteger();
    AtomicInteger failures = new AtomicInteger();
    List<Thread> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      String address = "10.0.0." + (t % 2);
      all.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      for (int round = 0; round < rounds; round++) {
                        int admitted = 0;
                        for (int i = 0; i < 20; i++) {
                          if (limits.open(address) == Admission.ADMITTED) {
                            admitted++;
                          }
                          if (limits.openFrom(address) > 60) {
                            overCapSeen.incrementAndGet();
                          }
                        }
                        holding.await();
                        for (int i = 0; i < admitted; i++) {
                          limits.closed(address);
                        }
                        holding.await();
                      }
                    } catch (Exception e) {
                      failures.incrementAndGet();
                    }
                  }));
    }
    for (Thread t : all) {
      t.join();
    }
    assertEquals(0, failures.get());
    assertEquals(0, overCapSeen.get(), "never over the per-address cap");
    assertEquals(0, limits.open(), "every admitted one closed");
    assertEquals(0, limits.addresses());
    assertEquals(
        2L * 20 * rounds, limits.refusedOverAddressCap(), "exactly the tries over the cap refused");
    assertEquals(0, limits.refusedOverTotalCap());
  }

  @Test
  void settingsTakeDefaultsAndRefuseBadValuesInOneLine() {
    ConnectionSettings d = ConnectionSettings.fromConfig(Map.of());
    assertEquals(Duration.ofSeconds(10), d.headerTimeout());
    assertEquals(Duration.ofSeconds(60), d.idleTimeout());
    assertEquals(4096, d.maxTotal());
    assertEquals(1024, d.maxPerAddress());
    ConnectionSettings s =
        ConnectionSettings.fromConfig(
            Map.of(
                "httpHeaderTimeout",
                "2.5s",
                "httpIdleTimeout",
                "2m",
                "httpMaxConnections",
                100,
                "httpMaxConnectionsPerAddress",
                "10"));
    assertEquals(
        new ConnectionSettings(Duration.ofMillis(2500), Duration.ofMinutes(2), 100, 10), s);
    assertEquals(
        100,
        ConnectionSettings.fromConfig(Map.of("httpMaxConnections", 100)).maxPerAddress(),
        "the default per-address cap follows a lower total");

    assertEquals(
        "invalid httpHeaderTimeout '500ms': it must be from 1s to 1h",
        message(Map.of("httpHeaderTimeout", "500ms")));
    assertEquals(
        "invalid httpIdleTimeout 'soon': write it like 10s, 500ms or 2m",
        message(Map.of("httpIdleTimeout", "soon")));
    assertEquals(
        "invalid httpMaxConnections '0': it must be from 1 to 1000000",
        message(Map.of("httpMaxConnections", "0")));
    assertEquals(
        "invalid httpMaxConnectionsPerAddress '20': it must not be over httpMaxConnections (10)",
        message(Map.of("httpMaxConnections", 10, "httpMaxConnectionsPerAddress", 20)));
    assertEquals(
        Duration.ofSeconds(3),
        PortolanConfig.from(Map.of("httpHeaderTimeout", "3s"), "n").connections().headerTimeout());
    assertThrows(
        PortolanConfig.InvalidConfigException.class,
        () -> PortolanConfig.from(Map.of("httpMaxConnections", "many"), "n"));
  }

  private static String message(Map<String, Object> values) {
    return assertThrows(IllegalArgumentException.class, () -> ConnectionSettings.fromConfig(values))
        .getMessage();
  }
}
