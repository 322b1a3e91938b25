package dev.portolan.bus;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * "Is anything listening on proto/port?": one node's answer ({@link CheckReply}) or the fleet's
 * verdict over its live nodes ({@link FleetCheckAnswer}). {@code nodes}: each node's answer when
 * the fleet answered (empty else).
 */
public sealed interface CheckAnswer permits CheckReply, FleetCheckAnswer {
  String verdict();

  /** The answer in plain words. */
  String answer();

  /** What to look at next. */
  List<String> hints();

  List<CheckReply> nodes();

  JsonObject toJson();
}
