package dev.portolan.web;

import dev.portolan.http.ApiResponseTap;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * On every test class (registered by auto-detection, which the backend's surefire turns on): fails
 * the class when an {@code /api/v1} answer sent while it ran did not conform to the OpenAPI
 * document (see {@link ApiContract}), and when the server's tap is off, so the check cannot be
 * skipped without a failure saying so.
 */
public final class ApiContractExtension implements BeforeAllCallback, AfterAllCallback {
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(ApiContractExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    if (!Boolean.getBoolean(ApiResponseTap.PROPERTY)) {
      throw new IllegalStateException(
          "-D"
              + ApiResponseTap.PROPERTY
              + "=true is not set: the API answers would not be checked against the OpenAPI"
              + " document (the backend's surefire sets it)");
    }
    context.getStore(NS).put("from", ApiContract.INSTANCE.violationCount());
  }

  @Override
  public void afterAll(ExtensionContext context) throws InterruptedException {
    ApiContract.INSTANCE.awaitChecks(30);
    Integer from = context.getStore(NS).get("from", Integer.class);
    List<String> found = ApiContract.INSTANCE.violationsSince(from == null ? 0 : from);
    if (!found.isEmpty()) {
      throw new AssertionError(
          found.size()
              + " API answer(s) do not conform to the OpenAPI document"
              + " (backend/src/main/resources/openapi/openapi.json):\n  "
              + String.join("\n  ", found));
    }
  }
}
