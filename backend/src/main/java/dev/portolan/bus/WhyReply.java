package dev.portolan.bus;

import dev.portolan.why.WhyAnswer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A troubleshooting answer on the bus and in {@code GET /api/v1/why}: {@code kind}, {@code
 * subject}, {@code node}, {@code verdict}, {@code problem}, {@code sentence}, {@code findings}
 * [{code, severity, sentence}] and {@code evidence} [{role, pid, process, user, local, remote,
 * state, netns, sockets}] (absent fields are null).
 */
public record WhyReply(WhyAnswer answer) {

  public JsonObject toJson() {
    JsonArray findings = new JsonArray();
    for (WhyAnswer.Finding f : answer.findings()) {
      findings.add(
          new JsonObject()
              .put("code", f.code())
              .put("severity", f.severity().wireName())
              .put("sentence", f.sentence()));
    }
    JsonArray evidence = new JsonArray();
    for (WhyAnswer.Evidence e : answer.evidence()) {
      evidence.add(
          new JsonObject()
              .put("role", e.role())
              .put("pid", e.pid() == 0 ? null : e.pid())
              .put("process", e.process())
              .put("user", e.user())
              .put("local", e.local())
              .put("remote", e.remote())
              .put("state", e.state())
              .put("netns", e.namespace())
              .put("sockets", e.sockets()));
    }
    return new JsonObject()
        .put("kind", answer.kind())
        .put("subject", answer.subject())
        .put("node", answer.node())
        .put("verdict", answer.verdict())
        .put("problem", answer.problem())
        .put("sentence", answer.sentence())
        .put("findings", findings)
        .put("evidence", evidence);
  }

  public static WhyReply fromJson(JsonObject j) {
    List<WhyAnswer.Finding> findings = new ArrayList<>();
    for (Object o : j.getJsonArray("findings", new JsonArray())) {
      JsonObject f = (JsonObject) o;
      findings.add(
          new WhyAnswer.Finding(
              f.getString("code"),
              WhyAnswer.Severity.fromWire(f.getString("severity")),
              f.getString("sentence")));
    }
    List<WhyAnswer.Evidence> evidence = new ArrayList<>();
    for (Object o : j.getJsonArray("evidence", new JsonArray())) {
      JsonObject e = (JsonObject) o;
      evidence.add(
          new WhyAnswer.Evidence(
              e.getString("role"),
              e.getInteger("pid", 0) == null ? 0 : e.getInteger("pid", 0),
              e.getString("process"),
              e.getString("user"),
              e.getString("local"),
              e.getString("remote"),
              e.getString("state"),
              e.getString("netns"),
              e.getInteger("sockets", 0)));
    }
    return new WhyReply(
        new WhyAnswer(
            j.getString("kind"),
            j.getString("subject"),
            j.getString("node"),
            j.getString("verdict"),
            j.getBoolean("problem", false),
            j.getString("sentence"),
            findings,
            evidence));
  }
}
