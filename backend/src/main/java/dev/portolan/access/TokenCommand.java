package dev.portolan.access;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code portolan token create --user NAME}: an API token without a browser. Reads the user's
 * password from standard input (its first line; at a terminal, without echo), logs in to the node
 * as the login form does (its CSRF token, then {@code POST /login}: the node's login throttle and
 * audit apply), makes the token with {@code POST /api/v1/tokens}, and prints it alone on standard
 * output (what it is, on standard error).
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = "API tokens without a browser.",
    subcommands = {TokenCommand.Create.class})
public final class TokenCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("portolan: say what to do: token create --user NAME");
    return 2;
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description =
          "Log in as --user (the password read from standard input) and print a new API token.")
  public static final class Create implements Callable<Integer> {
    private static final Pattern CSRF =
        Pattern.compile(
            "X-XSRF-TOKEN(?:&#34;|&quot;|\")\\s*:\\s*(?:&#34;|&quot;|\")([A-Za-z0-9_.\\-]+)");

    @Option(names = "--user", required = true, paramLabel = "NAME", description = "who logs in")
    String user;

    @Option(
        names = "--name",
        paramLabel = "NAME",
        description = "the token's name (default: cli)",
        defaultValue = "cli")
    String name;

    @Option(
        names = "--role",
        paramLabel = "ROLE",
        description = "viewer, operator or admin, at most the user's (default: admin)",
        defaultValue = "admin")
    String role;

    @Option(
        names = "--url",
        paramLabel = "URL",
        description = "the node (default: http://127.0.0.1:7070)",
        defaultValue = "http://127.0.0.1:7070")
    String url;

    @Override
    public Integer call() throws Exception {
      String password = readPassword();
      if (password == null || password.isEmpty()) {
        System.err.println("portolan: no password on standard input");
        return 2;
      }
      String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
      HttpClient http =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(10))
              .followRedirects(HttpClient.Redirect.NEVER)
              .build();
      Map<String, String> cookies = new LinkedHashMap<>();
      HttpResponse<String> form;
      try {
        form = http.send(request(base + "/login", cookies).GET().build(), body());
      } catch (java.io.IOException e) {
        System.err.println("portolan: cannot reach " + base + ": " + e.getMessage());
        return 1;
      }
      keep(cookies, form);
      Matcher csrf = CSRF.matcher(form.body());
      if (form.statusCode() != 200 || !csrf.find()) {
        System.err.println(
            "portolan: "
                + base
                + "/login answered "
                + form.statusCode()
                + " without a login form (is logging in required there, --users?)");
        return 1;
      }
      String fields =
          "username="
              + enc(user)
              + "&password="
              + enc(password)
              + "&then=%2F&X-XSRF-TOKEN="
              + enc(csrf.group(1));
      HttpResponse<String> login =
          http.send(
              request(base + "/login", cookies)
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(HttpRequest.BodyPublishers.ofString(fields))
                  .build(),
              body());
      keep(cookies, login);
      if (login.statusCode() != 303) {
        System.err.println(
            "portolan: login as "
                + user
                + " refused ("
                + login.statusCode()
                + "): wrong name or password, or too many tries");
        return 1;
      }
      String json =
          "{\"name\":" + quote(name) + (role == null ? "" : ",\"role\":" + quote(role)) + "}";
      HttpResponse<String> made =
          http.send(
              request(base + "/api/v1/tokens", cookies)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(json))
                  .build(),
              body());
      Matcher token = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"").matcher(made.body());
      if (made.statusCode() != 201 || !token.find()) {
        System.err.println(
            "portolan: the node refused the token (" + made.statusCode() + "): " + made.body());
        return 1;
      }
      System.err.println(
          "portolan: "
              + role
              + " token '"
              + name
              + "' made for "
              + user
              + " (shown once; keep it secret)");
      System.out.println(token.group(1));
      return 0;
    }

    private static String readPassword() throws java.io.IOException {
      java.io.Console console = System.console();
      if (console != null && console.isTerminal()) {
        char[] typed = console.readPassword("Password: ");
        return typed == null ? null : new String(typed);
      }
      return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
          .readLine();
    }

    private static HttpRequest.Builder request(String uri, Map<String, String> cookies) {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30));
      if (!cookies.isEmpty()) {
        StringBuilder c = new StringBuilder();
        cookies.forEach(
            (k, v) -> c.append(c.isEmpty() ? "" : "; ").append(k).append('=').append(v));
        b.header("Cookie", c.toString());
      }
      return b;
    }

    private static void keep(Map<String, String> cookies, HttpResponse<?> r) {
      for (String set : r.headers().allValues("Set-Cookie")) {
        String pair = set.split(";", 2)[0];
        int eq = pair.indexOf('=');
        if (eq > 0) {
          cookies.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
      }
    }

    private static HttpResponse.BodyHandler<String> body() {
      return HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8);
    }

    private static String enc(String s) {
      return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String quote(String s) {
      StringBuilder out = new StringBuilder("\"");
      for (char c : s.toCharArray()) {
        if (c == '"' || c == '\\') {
          out.append('\\').append(c);
        } else if (c < 0x20) {
          out.append(String.format("\\u%04x", (int) c));
        } else {
          out.append(c);
        }
      }
      return out.append('"').toString();
    }
  }
}
