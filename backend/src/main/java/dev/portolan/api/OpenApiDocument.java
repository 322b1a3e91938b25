package dev.portolan.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /api/v1/openapi.json}: the API's OpenAPI 3.1 description, a resource of the jar
 * (written by {@code backend/tools/openapi_gen.py}; the tests hold every answer to it).
 */
public final class OpenApiDocument {
  /** The document's resource path. */
  public static final String RESOURCE = "/openapi/openapi.json";

  private OpenApiDocument() {}

  /** The document as the jar holds it. */
  public static byte[] bytes() {
    try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the jar has no " + RESOURCE);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void mount(Router router) {
    Buffer document = Buffer.buffer(bytes());
    router
        .get("/api/v1/openapi.json")
        .handler(ctx -> ctx.response().putHeader("Content-Type", "application/json").end(document));
  }
}
