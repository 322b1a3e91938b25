package dev.portolan.bus;

import dev.portolan.sampler.Protocol;
import dev.portolan.scan.Preset;
import io.vertx.core.json.JsonObject;

/**
 * A request on {@link Addresses#SCAN_START}: scan {@code target} (host name, address or CIDR) on {@code ports}
 * (a {@link dev.portolan.scan.PortList} spec) over {@code proto} with a timing {@code preset}; {@code banners}
 * reads what open TCP ports say. Texts travel as the user wrote them: the scanner node parses and authorizes.
 */
public record ScanRequest(String target, String ports, Protocol proto, Preset preset, boolean banners) {
  /** The target that means "every address of the scanning node but loopback" (the exposure view's outside view). */
  public static final String SELF_TARGET = "self";

  public JsonObject toJson() {
    return new JsonObject().put("target", target).put("ports", ports).put("proto", proto.wireName())
        .put("preset", preset.wireName()).put("banners", banners);
  }

  public static ScanRequest fromJson(JsonObject j) {
    return new ScanRequest(j.getString("target"), j.getString("ports"), Protocol.fromWire(j.getString("proto")),
        Preset.fromWire(j.getString("preset")), j.getBoolean("banners", false));
  }
}
