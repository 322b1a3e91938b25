package dev.portolan.bus;

import dev.portolan.http.InvalidQueryException;
import dev.portolan.http.QueryValues;
import dev.portolan.scan.Preset;
import dev.portolan.scan.policy.ScanTarget;
import dev.portolan.socket.Protocol;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A request on {@link Addresses#SCAN_START}: scan {@code target} (host name, address or CIDR,
 * {@link #SELF_TARGET}, or a list of addresses) on {@code ports} (a {@link
 * dev.portolan.scan.PortList} spec) over {@code proto} with a timing {@code preset}; {@code
 * banners} reads what open TCP ports say. Texts travel as the user wrote them: the scanner node
 * parses and authorizes.
 */
public record ScanRequest(
    String target, String ports, Protocol proto, Preset preset, boolean banners) {
  /**
   * The target that means "every address of the scanning node but loopback" (the exposure view's
   * outside view).
   */
  public static final String SELF_TARGET = "self";

  /** The most addresses a list target ({@code "10.0.0.5,fd00::5"}) may name. */
  public static final int MAX_LIST = 256;

  /**
   * A list target, addresses separated by commas ({@code "10.0.0.5, fd00::5"}): another node's
   * addresses, scanned as one scan (the exposure view from outside). Each item is parsed as a
   * target of its own.
   *
   * @throws InvalidQueryException for an empty item, too many items or an item that is no target
   */
  public static List<ScanTarget> addressList(String target) {
    String[] items = target.split(",", -1);
    if (items.length > MAX_LIST) {
      throw new InvalidQueryException(
          "invalid target",
          "a list of targets holds at most " + MAX_LIST + " addresses, not " + items.length);
    }
    List<ScanTarget> out = new ArrayList<>();
    for (String item : items) {
      if (item.isBlank()) {
        throw new InvalidQueryException(
            "invalid target",
            "an empty item in the list of targets "
                + QueryValues.echo(target)
                + "; separate addresses with single commas");
      }
      out.add(ScanTarget.parse(item));
    }
    return out;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("target", target)
        .put("ports", ports)
        .put("proto", proto.wireName())
        .put("preset", preset.wireName())
        .put("banners", banners);
  }

  public static ScanRequest fromJson(JsonObject j) {
    return new ScanRequest(
        j.getString("target"),
        j.getString("ports"),
        Protocol.fromWire(j.getString("proto")),
        Preset.fromWire(j.getString("preset")),
        j.getBoolean("banners", false));
  }
}
