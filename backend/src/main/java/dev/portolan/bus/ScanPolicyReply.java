package dev.portolan.bus;

import dev.portolan.scan.policy.ScanPolicySettings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A node's answer on {@link Addresses#SCAN_POLICY}, as {@code /api/v1/scan-policy} shows it: the
 * blocks it may scan ({@code allow}, as written), what is always allowed, and its limits.
 */
public record ScanPolicyReply(
    String node,
    List<String> allow,
    String alwaysAllowed,
    int maxPorts,
    int maxHosts,
    int maxRate,
    int maxOpenSockets,
    int maxConcurrent) {
  static final String ALWAYS_ALLOWED = "loopback and the node's own addresses";

  public ScanPolicyReply {
    allow = List.copyOf(allow);
  }

  public static ScanPolicyReply of(String node, ScanPolicySettings s) {
    List<String> allow = new ArrayList<>();
    s.allow().forEach(c -> allow.add(c.toString()));
    return new ScanPolicyReply(
        node,
        allow,
        ALWAYS_ALLOWED,
        s.maxPorts(),
        s.maxHosts(),
        s.maxRate(),
        s.maxOpenSockets(),
        s.maxConcurrent());
  }

  /**
   * The policy in one line, as the audit keeps a change: "allow [...], maxPorts N, maxHosts N,
   * ...".
   */
  public String auditLine() {
    return "allow "
        + new JsonArray(new ArrayList<>(allow)).encode()
        + ", maxPorts "
        + maxPorts
        + ", maxHosts "
        + maxHosts
        + ", maxRate "
        + maxRate
        + ", maxOpenSockets "
        + maxOpenSockets;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("node", node)
        .put("allow", new JsonArray(new ArrayList<>(allow)))
        .put("alwaysAllowed", alwaysAllowed)
        .put("maxPorts", maxPorts)
        .put("maxHosts", maxHosts)
        .put("maxRate", maxRate)
        .put("maxOpenSockets", maxOpenSockets)
        .put("maxConcurrent", maxConcurrent);
  }

  public static ScanPolicyReply fromJson(JsonObject j) {
    return new ScanPolicyReply(
        j.getString("node"),
        j.getJsonArray("allow", new JsonArray()).stream().map(String::valueOf).toList(),
        j.getString("alwaysAllowed"),
        j.getInteger("maxPorts", 0),
        j.getInteger("maxHosts", 0),
        j.getInteger("maxRate", 0),
        j.getInteger("maxOpenSockets", 0),
        j.getInteger("maxConcurrent", 0));
  }
}
