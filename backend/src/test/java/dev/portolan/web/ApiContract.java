package dev.portolan.web;

import dev.portolan.api.OpenApiDocument;
import dev.portolan.http.ApiExchangeListener.Exchange;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.mediatype.ContentAnalyser;
import io.vertx.openapi.mediatype.ContentAnalyserFactory;
import io.vertx.openapi.mediatype.MediaTypeRegistration;
import io.vertx.openapi.mediatype.MediaTypeRegistry;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;
import io.vertx.openapi.validation.ValidationContext;
import io.vertx.openapi.validation.ValidatorErrorType;
import io.vertx.openapi.validation.ValidatorException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The API's OpenAPI document as a check on every answer the test suite's nodes send: each {@code
 * /api/v1} answer (seen by {@link ApiContractListener} through the server's tap) is validated
 * against the operation it answers, and what does not conform is kept as a violation, which {@link
 * ApiContractExtension} turns into the failure of the test class that saw it. Also keeps which
 * operations answered with which statuses, written to {@code target/openapi-coverage.txt} when the
 * JVM ends.
 */
public final class ApiContract {
  public static final ApiContract INSTANCE = new ApiContract();

  private final Vertx vertx;
  private final OpenAPIContract contract;
  private final ResponseValidator validator;
  private final List<String> violations = new ArrayList<>();
  private final Map<String, Map<Integer, AtomicInteger>> seen = new ConcurrentHashMap<>();
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicInteger checked = new AtomicInteger();
  private final java.util.concurrent.atomic.AtomicLong validationNanos =
      new java.util.concurrent.atomic.AtomicLong();
  private final Set<String> routesChecked = ConcurrentHashMap.newKeySet();

  private ApiContract() {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    JsonObject document = new JsonObject(Buffer.buffer(OpenApiDocument.bytes()));
    try {
      contract =
          OpenAPIContract.builder(vertx)
              .setContract(document)
              .mediaTypeRegistry(
                  MediaTypeRegistry.createEmpty()
                      .register(MediaTypeRegistration.APPLICATION_JSON)
                      .register(new Registration("text/event-stream", EventStream::new))
                      .register(new Registration("text/csv", Text::new))
                      .register(new Registration("text/plain", Text::new)))
              .build()
              .await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the OpenAPI document is not valid: " + e, e);
    }
    validator = ResponseValidator.create(vertx, contract);
    Runtime.getRuntime().addShutdownHook(new Thread(this::writeCoverage));
  }

  public OpenAPIContract contract() {
    return contract;
  }

  /** Validates one answer (asynchronously; {@link #awaitChecks} waits for it). */
  public void answered(Exchange e) {
    checked.incrementAndGet();
    HttpMethod method = HttpMethod.valueOf(e.method());
    String where = e.method() + " " + e.path() + " -> " + e.status();
    if (e.truncated()) {
      violation(where + ": the body could not be copied whole (a stream, or over 16 MiB)");
      return;
    }
    Operation op =
        method == HttpMethod.HEAD || method == HttpMethod.OPTIONS
            ? null
            : contract.findOperation(e.path(), method);
    if (op == null) {
      checkUndocumented(e, method, where);
      return;
    }
    seen.computeIfAbsent(op.getOperationId(), k -> new ConcurrentHashMap<>())
        .computeIfAbsent(e.status(), k -> new AtomicInteger())
        .incrementAndGet();
    boolean stream = e.contentType() != null && e.contentType().startsWith("text/event-stream");
    if (!e.ended() && !stream) {
      return; // the client went before the answer: nothing was answered
    }
    // the document's content types have no parameters (; charset=...): the validator looks them up
    String type = e.contentType() == null ? null : e.contentType().split(";", 2)[0].strip();
    if (e.body().length == 0 && type != null && type.startsWith("text/plain")) {
      // the validator reads an empty body as a missing one; an empty text is a string all the same
      // (portolan who's answer for a port nobody holds): its status and type must be documented
      io.vertx.openapi.contract.Response documented = op.getResponse(e.status());
      if (documented == null || !documented.getContent().containsKey(type)) {
        violation(where + ": an empty " + type + " answer the document does not have");
      }
      return;
    }
    ValidatableResponse response =
        e.body().length == 0 && type == null
            ? ValidatableResponse.create(e.status())
            : ValidatableResponse.create(e.status(), Buffer.buffer(e.body()), type);
    pending.incrementAndGet();
    long started = System.nanoTime();
    Future<?> result;
    try {
      result = validator.validate(response, op.getOperationId());
    } catch (RuntimeException ex) {
      result = Future.failedFuture(ex);
    }
    result.onComplete(
        ar -> {
          validationNanos.addAndGet(System.nanoTime() - started);
          if (ar.failed()) {
            violation(where + ": " + describe(ar.cause()) + "; body: " + excerpt(e.body()));
          }
          pending.decrementAndGet();
        });
  }

  /**
   * An answer no documented operation covers: a HEAD (answered as its GET, without the body) or an
   * OPTIONS of a documented path, or a refusal ({error, detail}) of anything else; never a success
   * of an undocumented route.
   */
  private void checkUndocumented(Exchange e, HttpMethod method, String where) {
    boolean documentedPath = contract.findPath(e.path()) != null;
    if (method == HttpMethod.OPTIONS && documentedPath && e.status() == 204) {
      return;
    }
    if (method == HttpMethod.HEAD && documentedPath) {
      return; // routed as its GET, whose body the server does not send (RouteMethods)
    }
    if (e.status() < 400) {
      violation(where + ": answered, but the document has no such operation");
      return;
    }
    if (e.ended() && e.body().length > 0) {
      checkError(e, where);
    }
  }

  private void checkError(Exchange e, String where) {
    try {
      JsonObject body = new JsonObject(Buffer.buffer(e.body()));
      if (!(body.getValue("error") instanceof String)
          || !(body.getValue("detail") instanceof String)
          || body.size() != 2) {
        violation(where + ": not an {error, detail} refusal: " + excerpt(e.body()));
      }
    } catch (DecodeException ex) {
      violation(where + ": not an {error, detail} refusal: " + excerpt(e.body()));
    }
  }

  /** The server's routes under /api/v1 against the document's operations, once per shape. */
  public void routes(Map<String, Set<String>> methodsByPath) {
    if (!routesChecked.add(methodsByPath.toString())) {
      return;
    }
    Map<String, Set<String>> documented = documentedOperations();
    methodsByPath.forEach(
        (path, methods) -> {
          for (String m : methods) {
            if (!documented.getOrDefault(path, Set.of()).contains(m)) {
              violation("route " + m + " " + path + " is not in the OpenAPI document");
            }
          }
        });
    documented.forEach(
        (path, methods) -> {
          for (String m : methods) {
            if (!methodsByPath.getOrDefault(path, Set.of()).contains(m)) {
              violation("the OpenAPI document has " + m + " " + path + ", which no route serves");
            }
          }
        });
  }

  /** The document's operations: methods by path. */
  public Map<String, Set<String>> documentedOperations() {
    Map<String, Set<String>> out = new TreeMap<>();
    for (Operation op : contract.operations()) {
      out.computeIfAbsent(op.getOpenAPIPath(), k -> new java.util.TreeSet<>())
          .add(op.getHttpMethod().name());
    }
    return out;
  }

  /** Waits (up to {@code seconds}) for the validations under way. */
  public void awaitChecks(int seconds) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (pending.get() > 0 && System.nanoTime() < end) {
      Thread.sleep(5); // polls a condition, with a deadline
    }
  }

  public synchronized int violationCount() {
    return violations.size();
  }

  public synchronized List<String> violationsSince(int index) {
    return List.copyOf(violations.subList(Math.min(index, violations.size()), violations.size()));
  }

  /** Statuses seen by operation id. */
  public Map<String, Map<Integer, Integer>> seen() {
    Map<String, Map<Integer, Integer>> out = new TreeMap<>();
    seen.forEach(
        (op, byStatus) -> {
          Map<Integer, Integer> m = new TreeMap<>();
          byStatus.forEach((s, n) -> m.put(s, n.get()));
          out.put(op, m);
        });
    return out;
  }

  private synchronized void violation(String text) {
    violations.add(text);
  }

  private void writeCoverage() {
    StringBuilder sb =
        new StringBuilder(
            String.format(
                "# /api/v1 answers seen: %d; validation took %.1f ms in all (wall, from the answer"
                    + " to its verdict, on the checker's own thread)%n",
                checked.get(), validationNanos.get() / 1e6));
    Map<String, Map<Integer, Integer>> s = seen();
    for (Operation op : contract.operations()) {
      Map<Integer, Integer> byStatus = s.get(op.getOperationId());
      sb.append(op.getHttpMethod())
          .append(' ')
          .append(op.getOpenAPIPath())
          .append(" (")
          .append(op.getOperationId())
          .append("): ")
          .append(byStatus == null ? "NEVER SEEN" : byStatus.toString())
          .append('\n');
    }
    synchronized (this) {
      sb.append("# violations: ").append(violations.size()).append('\n');
      violations.forEach(v -> sb.append(v).append('\n'));
    }
    try {
      Files.createDirectories(Path.of("target"));
      Files.writeString(Path.of("target", "openapi-coverage.txt"), sb.toString());
    } catch (java.io.IOException e) {
      System.err.println("cannot write target/openapi-coverage.txt: " + e);
    }
  }

  private static String describe(Throwable t) {
    String text = t.getMessage();
    if (t.getCause() != null && t.getCause() != t) {
      text += " (" + t.getCause().getMessage() + ")";
    }
    if (t instanceof io.vertx.openapi.validation.SchemaValidationException s
        && s.getOutputUnit() != null) {
      text += " " + s.getOutputUnit().toString();
    }
    return text;
  }

  private static String excerpt(byte[] body) {
    String s = new String(body, StandardCharsets.UTF_8);
    return s.length() > 400 ? s.substring(0, 400) + "..." : s;
  }

  /** A media type with its own analyser. */
  private record Registration(String type, ContentAnalyserFactory factory)
      implements MediaTypeRegistration {
    @Override
    public ContentAnalyser createContentAnalyser(
        String contentType, Buffer content, ValidationContext context) {
      return factory.create(contentType, content, context);
    }

    @Override
    public boolean canHandle(String mediaType) {
      return mediaType != null && mediaType.toLowerCase(Locale.ROOT).startsWith(type);
    }

    @Override
    public List<String> supportedTypes() {
      return List.of(type);
    }
  }

  /** A text body as the string it is. */
  private static final class Text implements ContentAnalyser {
    private final Buffer content;

    Text(String contentType, Buffer content, ValidationContext context) {
      this.content = content;
    }

    @Override
    public void checkSyntacticalCorrectness() {}

    @Override
    public Object transform() {
      return content == null ? "" : content.toString(StandardCharsets.UTF_8);
    }
  }

  /**
   * An event stream as the events it holds, complete ones only (a stream cut by its client may end
   * inside one): {@code [{event, id, data}]} with {@code data} parsed as JSON.
   */
  static final class EventStream implements ContentAnalyser {
    private final Buffer content;
    private JsonArray events;

    EventStream(String contentType, Buffer content, ValidationContext context) {
      this.content = content;
    }

    @Override
    public void checkSyntacticalCorrectness() {
      events = parse(content == null ? "" : content.toString(StandardCharsets.UTF_8));
    }

    @Override
    public Object transform() {
      return events;
    }

    static JsonArray parse(String text) {
      JsonArray out = new JsonArray();
      String[] blocks = text.replace("\r\n", "\n").split("\n\n", -1);
      // the last block is what follows the last blank line: an event not yet complete, or nothing
      for (int i = 0; i < blocks.length - 1; i++) {
        String event = null;
        String id = null;
        StringBuilder data = null;
        for (String line : blocks[i].split("\n")) {
          if (line.isEmpty() || line.startsWith(":")) {
            continue;
          }
          int colon = line.indexOf(':');
          String field = colon < 0 ? line : line.substring(0, colon);
          String value = colon < 0 ? "" : line.substring(colon + 1);
          value = value.startsWith(" ") ? value.substring(1) : value;
          switch (field) {
            case "event" -> event = value;
            case "id" -> id = value;
            case "data" ->
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            case "retry" -> {}
            default ->
                throw new ValidatorException(
                    "an event stream line with an unknown field: " + line,
                    ValidatorErrorType.ILLEGAL_VALUE);
          }
        }
        if (event == null && data == null) {
          continue; // only comments
        }
        JsonObject e = new JsonObject().put("event", event == null ? "message" : event);
        if (id != null) {
          e.put("id", id);
        }
        if (data != null) {
          try {
            e.put("data", Json.decode(data.toString()));
          } catch (DecodeException ex) {
            throw new ValidatorException(
                "event " + event + " has data that is not JSON: " + data,
                ValidatorErrorType.ILLEGAL_VALUE);
          }
        }
        out.add(e);
      }
      return out;
    }
  }

  private static final class Json {
    static Object decode(String text) {
      return io.vertx.core.json.Json.decodeValue(text);
    }
  }
}
