package dev.portolan.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.access.RouteRoles.Need;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouteRolesTest {

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
    "GET, /health, OPEN",
    "GET, /login, OPEN",
    "POST, /login, OPEN",
    "GET, /static/portolan.css, OPEN",
    "GET, /webjars/htmx.org/2.0.8/dist/htmx.min.js, OPEN",
    "GET, /, VIEWER",
    "HEAD, /, VIEWER",
    "GET, /metrics, VIEWER",
    "GET, /api/v1/sockets, VIEWER",
    "GET, /api/v1/events, VIEWER",
    "GET, /api/v1/scans/0123456789ab, VIEWER",
    "GET, /api/v1/scans/0123456789ab/events, VIEWER",
    "GET, /ports/tcp/22, VIEWER",
    "GET, /ui/events, VIEWER",
    "GET, /nodes/, VIEWER",
    "POST, /api/v1/scans, OPERATOR",
    "DELETE, /api/v1/scans/0123456789ab, OPERATOR",
    "POST, /api/v1/connectivity, OPERATOR",
    "POST, /api/v1/reachability, OPERATOR",
    "POST, /ui/scans, OPERATOR",
    "POST, /ui/scans/0123456789ab/cancel, OPERATOR",
    "POST, /ui/exposure, OPERATOR",
    "GET, /api/v1/audit, OPERATOR",
    "GET, /audit, OPERATOR",
    "GET, /api/v1/tokens, ADMIN",
    "POST, /api/v1/tokens, ADMIN",
    "DELETE, /api/v1/tokens/0123456789ab, ADMIN",
    "PUT, /api/v1/scan-policy, ADMIN",
    "GET, /api/v1/scan-policy, VIEWER",
    // unknown routes, methods and shapes: never open, never below admin
    "GET, /api/v1/something-new, ADMIN",
    "POST, /api/v1/nodes, ADMIN",
    "PUT, /api/v1/scans, ADMIN",
    "GET, /ports/tcp/22/more, ADMIN",
    "GET, /static, ADMIN",
    "OPTIONS, /health, ADMIN",
    "GET, /api/v1/../../etc/passwd, ADMIN",
    "GET, relative, ADMIN",
  })
  void theTableSaysWhatEachRouteNeeds(String method, String path, Need need) {
    assertEquals(need, RouteRoles.PORTOLAN.need(method, path));
  }

  @Test
  void aRouteAddedLaterGetsItsRoleFromOneLine() {
    RouteRoles roles = new RouteRoles().rule("GET", "/api/v1/new/*", Need.VIEWER);
    assertEquals(Need.VIEWER, roles.need("GET", "/api/v1/new/x"));
    assertEquals(Need.ADMIN, roles.need("GET", "/api/v1/new"));
    assertThrows(IllegalArgumentException.class, () -> roles.rule("GET", "no-slash", Need.OPEN));
  }

  @Test
  void eachRoleIncludesTheOnesBelow() {
    assertTrue(AccessRole.ADMIN.includes(AccessRole.OPERATOR));
    assertTrue(AccessRole.OPERATOR.includes(AccessRole.VIEWER));
    assertTrue(AccessRole.VIEWER.includes(AccessRole.VIEWER));
    assertFalse(AccessRole.VIEWER.includes(AccessRole.OPERATOR));
    assertFalse(AccessRole.OPERATOR.includes(AccessRole.ADMIN));
    assertEquals(AccessRole.OPERATOR, AccessRole.ADMIN.atMost(AccessRole.OPERATOR));
    assertEquals(AccessRole.VIEWER, AccessRole.VIEWER.atMost(AccessRole.ADMIN));
    assertEquals(AccessRole.ADMIN, AccessRole.parse(" Admin "));
    assertThrows(IllegalArgumentException.class, () -> AccessRole.parse("root"));
  }
}
