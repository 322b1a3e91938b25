package dev.portolan.web;

import dev.portolan.http.ApiExchangeListener;
import java.util.Map;
import java.util.Set;

/** The server's tap's listener in the test suite: hands every answer to {@link ApiContract}. */
public final class ApiContractListener implements ApiExchangeListener {
  @Override
  public void answered(Exchange exchange) {
    ApiContract.INSTANCE.answered(exchange);
  }

  @Override
  public void routes(Map<String, Set<String>> methodsByPath) {
    ApiContract.INSTANCE.routes(methodsByPath);
  }
}
