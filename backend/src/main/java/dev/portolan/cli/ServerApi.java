package dev.portolan.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The node's JSON API over the JDK's HTTP client: GET a route with query parameters and a Bearer
 * token, answer the JSON object, or a {@link CliException} with the exit code for what went wrong
 * (3 unreachable, 4 refused, 5 any other error answer).
 */
final class ServerApi {
  private final String base;
  private final String token;
  private HttpClient http;

  ServerApi(String base, String token) {
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.token = token;
    URI uri;
    try {
      uri = URI.create(this.base);
    } catch (IllegalArgumentException e) {
      throw new CliException(CliException.USAGE, "bad --server '" + base + "': " + e.getMessage());
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
        || uri.getHost() == null) {
      throw new CliException(
          CliException.USAGE, "bad --server '" + base + "': give http://HOST:PORT or https://...");
    }
  }

  String base() {
    return base;
  }

  /** GET {@code path} with {@code query} (values encoded here); the answer's JSON object. */
  Map<String, Object> get(String path, Map<String, String> query) {
    StringBuilder url = new StringBuilder(base).append(path);
    char sep = '?';
    for (Map.Entry<String, String> e : query.entrySet()) {
      url.append(sep)
          .append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8))
          .append('=')
          .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
      sep = '&';
    }
    Map<String, String> headers = new java.util.LinkedHashMap<>();
    headers.put("Accept", "application/json");
    // no page elsewhere can send this header: the API lets a GET that sends packets (why connect)
    // through with it
    headers.put("X-Requested-With", "portolan");
    if (token != null) {
      headers.put("Authorization", "Bearer " + token);
    }
    PlainHttp.Response response;
    try {
      response = send(URI.create(url.toString()), headers);
    } catch (HttpConnectTimeoutException | java.net.SocketTimeoutException e) {
      throw unreachable(
          e.getMessage() != null && e.getMessage().contains("connect")
              ? "connection timed out"
              : "no answer within 30 s");
    } catch (ConnectException e) {
      throw unreachable(
          e.getMessage() == null
                  || e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("refused")
              ? "connection refused"
              : e.getMessage());
    } catch (HttpTimeoutException e) {
      throw unreachable("no answer within 30 s");
    } catch (IOException e) {
      throw unreachable(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unreachable("interrupted");
    }
    int status = response.status();
    if (status == 401 || status == 403) {
      throw new CliException(
          CliException.REFUSED,
          "refused by "
              + base
              + " ("
              + status
              + "): "
              + (token == null
                  ? "it needs a token (--token, PORTOLAN_TOKEN or --token-file)"
                  : errorText(response.body(), "the token is not valid or lacks the role")));
    }
    if (status / 100 != 2) {
      throw new CliException(
          status == 400 ? CliException.USAGE : CliException.FAILED,
          base + path + " answered " + status + ": " + errorText(response.body(), "no detail"));
    }
    try {
      return Json.parseObject(response.body());
    } catch (IllegalArgumentException e) {
      throw new CliException(
          CliException.FAILED, base + path + " did not answer JSON (" + e.getMessage() + ")");
    }
  }

  /** Plain HTTP over a socket; HTTPS through the JDK's HttpClient (made on first use). */
  private PlainHttp.Response send(URI uri, Map<String, String> headers)
      throws IOException, InterruptedException {
    if ("http".equals(uri.getScheme())) {
      return PlainHttp.get(uri, headers, 3_000, 30_000);
    }
    if (http == null) {
      http =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(3))
              .followRedirects(HttpClient.Redirect.NEVER)
              .build();
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
    headers.forEach(request::header);
    HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new PlainHttp.Response(r.statusCode(), r.body());
  }

  private CliException unreachable(String why) {
    return new CliException(CliException.UNREACHABLE, "cannot reach " + base + ": " + why);
  }

  /** The API's {@code {"error", "detail"}} as one line, or {@code otherwise}. */
  private static String errorText(String body, String otherwise) {
    try {
      Map<String, Object> j = Json.parseObject(body);
      Object error = j.get("error");
      Object detail = j.get("detail");
      if (error == null) {
        return otherwise;
      }
      return detail == null ? error.toString() : error + ": " + detail;
    } catch (IllegalArgumentException e) {
      return otherwise;
    }
  }
}
