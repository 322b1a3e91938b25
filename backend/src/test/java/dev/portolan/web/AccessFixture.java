package dev.portolan.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portolan.access.Passwords;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A users file with one user per role (password {@code pw-<name>}), and a node that requires
 * logging in.
 */
public final class AccessFixture {
  public static final String VIEWER = "vera";
  public static final String OPERATOR = "otto";
  public static final String ADMIN = "ada";

  private AccessFixture() {}

  public static String password(String user) {
    return "pw-" + user;
  }

  /** Writes the users file into {@code dir}. */
  public static Path usersFile(Path dir) throws Exception {
    Path file = dir.resolve("users");
    Files.writeString(
        file,
        "# test users\n"
            + VIEWER
            + ":viewer:"
            + Passwords.hash(password(VIEWER))
            + "\n"
            + OPERATOR
            + ":operator:"
            + Passwords.hash(password(OPERATOR))
            + "\n"
            + ADMIN
            + ":admin:"
            + Passwords.hash(password(ADMIN))
            + "\n");
    return file;
  }

  /** Settings of a node bound to every address (reached on 127.0.0.1) with {@code extra} on top. */
  public static Map<String, Object> settings(Map<String, Object> extra) {
    Map<String, Object> s =
        new HashMap<>(
            Map.of(
                "httpPort",
                0,
                "bind",
                "0.0.0.0",
                "interval",
                "100ms",
                "nodeName",
                RunningNode.NODE,
                "historySize",
                1000));
    s.putAll(extra);
    return s;
  }

  /**
   * Logs in over HTTP as a browser does (the login form with its CSRF field); the session's
   * cookies.
   */
  public static String login(RunningNode node, String user) {
    RunningNode.FormSession form = node.openFormSession("/login");
    RunningNode.Reply r =
        node.send(
            "POST",
            "/login",
            "username="
                + user
                + "&password="
                + URLEncoder.encode(password(user), StandardCharsets.UTF_8)
                + "&then=%2Fscans&X-XSRF-TOKEN="
                + form.token(),
            "application/x-www-form-urlencoded",
            "Cookie",
            form.cookies());
    assertEquals(303, r.status(), r.body());
    assertEquals("/scans", r.header("Location"));
    return merge(form.cookies(), r);
  }

  /** {@code cookies} with what {@code reply} set in place of the old values. */
  public static String merge(String cookies, RunningNode.Reply reply) {
    Map<String, String> jar = new LinkedHashMap<>();
    for (String c : cookies.split("; ")) {
      if (c.contains("=")) {
        jar.put(c.split("=", 2)[0], c.split("=", 2)[1]);
      }
    }
    for (String set : reply.headers().allValues("Set-Cookie")) {
      String pair = set.split(";", 2)[0];
      jar.put(pair.split("=", 2)[0], pair.split("=", 2)[1]);
    }
    return String.join(
        "; ", jar.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
  }

  /** A viewer's API token named {@code cli}, made by the admin on {@code node}. */
  public static String viewerToken(RunningNode node) {
    RunningNode.Reply made =
        node.send(
            "POST",
            "/api/v1/tokens",
            "{\"name\":\"cli\",\"role\":\"viewer\"}",
            "application/json",
            "Cookie",
            login(node, ADMIN));
    assertEquals(201, made.status(), made.body());
    return made.json().getString("token");
  }
}
