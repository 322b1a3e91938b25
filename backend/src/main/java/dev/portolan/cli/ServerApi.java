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
 * The node's JSON API: GET a route with query parameters, POST a JSON body, or open an event
 * stream, each with a Bearer token; answer the JSON object, or a {@link CliException} with the exit
 * code for what went wrong (3 unreachable, 4 refused, 5 any other error answer).
 */
final class ServerApi {
  private static final String NEEDS_TOKEN =
      "it needs a token (--token, PORTOLAN_TOKEN or --token-file)";
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
    return json(path, call("GET", path, query, null, "application/json"));
  }

  /** GET {@code path} with {@code query}; the answer's text (e.g. a scan's grepable format). */
  String text(String path, Map<String, String> query) {
    return call("GET", path, query, null, "*/*").body();
  }

  /**
   * POST {@code body} as JSON to {@code path} (with the Bearer token, as the API wants for a
   * request that changes state); the answer's JSON object.
   */
  Map<String, Object> post(String path, Map<String, Object> body) {
    return json(path, call("POST", path, Map.of(), Json.write(body), "application/json"));
  }

  /** DELETE {@code path} with {@code query} (a scan's cancel, say); the answer's JSON object. */
  Map<String, Object> delete(String path, Map<String, String> query) {
    return json(path, call("DELETE", path, query, null, "application/json"));
  }

  private Map<String, Object> json(String path, PlainHttp.Response response) {
    try {
      return Json.parseObject(response.body());
    } catch (IllegalArgumentException e) {
      throw new CliException(
          CliException.FAILED, base + path + " did not answer JSON (" + e.getMessage() + ")");
    }
  }

  private URI uri(String path, Map<String, String> query) {
    StringBuilder url = new StringBuilder(base).append(path);
    char sep = '?';
    for (Map.Entry<String, String> e : query.entrySet()) {
      url.append(sep)
          .append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8))
          .append('=')
          .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
      sep = '&';
    }
    return URI.create(url.toString());
  }

  private Map<String, String> headers(String accept) {
    Map<String, String> headers = new java.util.LinkedHashMap<>();
    headers.put("Accept", accept);
    // no page elsewhere can send this header: the API lets a GET that sends packets (why connect)
    // through with it
    headers.put("X-Requested-With", "portolan");
    if (token != null) {
      headers.put("Authorization", "Bearer " + token);
    }
    return headers;
  }

  private PlainHttp.Response call(
      String method, String path, Map<String, String> query, String body, String accept) {
    Map<String, String> headers = headers(accept);
    if (body != null) {
      headers.put("Content-Type", "application/json");
    }
    PlainHttp.Response response;
    try {
      response = send(method, uri(path, query), headers, body);
    } catch (IOException e) {
      throw failure(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unreachable("interrupted");
    }
    check(path, response.status(), response.body());
    return response;
  }

  /**
   * Opens the event stream at {@code path} (Server-Sent Events), sending {@code lastEventId} as
   * {@code Last-Event-ID} when not null; an error answer is a {@link CliException} as for {@link
   * #get}, a connection that cannot be made an {@link IOException} (the caller may retry).
   */
  PlainHttp.Stream events(String path, Map<String, String> query, String lastEventId)
      throws IOException {
    Map<String, String> headers = headers("text/event-stream");
    if (lastEventId != null) {
      headers.put("Last-Event-ID", lastEventId);
    }
    URI uri = uri(path, query);
    PlainHttp.Stream stream;
    if ("http".equals(uri.getScheme())) {
      stream = PlainHttp.open("GET", uri, headers, null, 3_000, 0);
    } else {
      HttpRequest.Builder request = HttpRequest.newBuilder(uri);
      headers.forEach(request::header);
      try {
        HttpResponse<java.io.InputStream> r =
            client().send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        java.io.InputStream in = r.body();
        stream = new PlainHttp.Stream(r.statusCode(), Map.of(), in, in);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted");
      }
    }
    if (stream.status() / 100 != 2) {
      String text;
      try (stream) {
        text = new String(stream.body().readAllBytes(), StandardCharsets.UTF_8);
      }
      check(path, stream.status(), text);
    }
    return stream;
  }

  /** What a failed connection means for the user: server unreachable, and why. */
  CliException failure(IOException e) {
    if (e instanceof HttpConnectTimeoutException || e instanceof java.net.SocketTimeoutException) {
      return unreachable(
          e.getMessage() != null && e.getMessage().contains("connect")
              ? "connection timed out"
              : "no answer within 30 s");
    }
    if (e instanceof ConnectException) {
      return unreachable(
          e.getMessage() == null
                  || e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("refused")
              ? "connection refused"
              : e.getMessage());
    }
    if (e instanceof HttpTimeoutException) {
      return unreachable("no answer within 30 s");
    }
    return unreachable(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
  }

  private void check(String path, int status, String body) {
    if (status == 401 || status == 403) {
      throw new CliException(
          CliException.REFUSED,
          "refused by "
              + base
              + " ("
              + status
              + "): "
              + (status == 401 && token == null
                  ? NEEDS_TOKEN
                  : errorText(
                      body,
                      token == null ? NEEDS_TOKEN : "the token is not valid or lacks the role")));
    }
    if (status / 100 != 2) {
      throw new CliException(
          status == 400 ? CliException.USAGE : CliException.FAILED,
          base + path + " answered " + status + ": " + errorText(body, "no detail"));
    }
  }

  /** Plain HTTP over a socket; HTTPS through the JDK's HttpClient (made on first use). */
  private PlainHttp.Response send(String method, URI uri, Map<String, String> headers, String body)
      throws IOException, InterruptedException {
    if ("http".equals(uri.getScheme())) {
      return PlainHttp.send(method, uri, headers, body, 3_000, 30_000);
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    HttpResponse<String> r = client().send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new PlainHttp.Response(r.statusCode(), r.body());
  }

  private HttpClient client() {
    if (http == null) {
      http =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(3))
              .followRedirects(HttpClient.Redirect.NEVER)
              .build();
    }
    return http;
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
