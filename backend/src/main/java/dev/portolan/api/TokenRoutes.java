package dev.portolan.api;

import dev.portolan.access.AccessRole;
import dev.portolan.access.TokenStore;
import dev.portolan.access.UserFile;
import dev.portolan.access.http.AccessControl;
import dev.portolan.http.ApiErrors;
import dev.portolan.http.Caller;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * API tokens, for admins: {@code POST /api/v1/tokens} makes one ({@code {"name": ..., "role":
 * ...}}, a role no higher than the caller's; the token is in the answer, and only there), {@code
 * GET /api/v1/tokens} lists them without secrets, {@code DELETE /api/v1/tokens/{id}} revokes one. A
 * token is bound to its maker as the users file has them when it is made ({@link
 * TokenStore#ownedBy}). Without authentication there are no tokens: 409.
 */
public final class TokenRoutes {
  private final Vertx vertx;
  private final TokenStore tokens;
  private final UserFile users;
  private final boolean enabled;

  private TokenRoutes(Vertx vertx, TokenStore tokens, UserFile users) {
    this.vertx = vertx;
    this.tokens = tokens;
    this.users = users;
    this.enabled = users != null;
  }

  /** {@code users} null: authentication is off, and so are tokens. */
  public static void mount(Router router, Vertx vertx, TokenStore tokens, UserFile users) {
    TokenRoutes r = new TokenRoutes(vertx, tokens, users);
    router
        .post("/api/v1/tokens")
        .handler(BodyHandler.create(false).setBodyLimit(4096))
        .handler(r::create);
    router.get("/api/v1/tokens").handler(r::list);
    router.delete("/api/v1/tokens/:id").handler(r::revoke);
  }

  private boolean refusedWhenOff(RoutingContext ctx) {
    if (!enabled) {
      ApiErrors.send(
          ctx,
          409,
          "authentication off",
          "this node runs without authentication, so it has no tokens:"
              + " start it with --users FILE");
      return true;
    }
    return false;
  }

  private void create(RoutingContext ctx) {
    if (refusedWhenOff(ctx)) {
      return;
    }
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      ApiErrors.send(ctx, 400, "invalid JSON", "send {\"name\": \"ci\", \"role\": \"viewer\"}");
      return;
    }
    if (body == null) {
      ApiErrors.send(ctx, 400, "missing body", "send {\"name\": \"ci\", \"role\": \"viewer\"}");
      return;
    }
    AccessRole callerRole = ctx.get(AccessControl.ROLE_KEY);
    AccessRole role;
    try {
      Object asked = body.getValue("role", "viewer");
      role = AccessRole.parse(asked instanceof String s ? s : String.valueOf(asked));
    } catch (IllegalArgumentException e) {
      ApiErrors.send(ctx, 400, "invalid role", e.getMessage());
      return;
    }
    if (callerRole == null || !callerRole.includes(role)) {
      ApiErrors.send(
          ctx,
          403,
          "forbidden",
          "a token's role cannot be higher than yours ("
              + (callerRole == null ? "none" : callerRole.wireName())
              + ")");
      return;
    }
    Object name = body.getValue("name");
    UserFile.User owner = users.user(Caller.name(ctx)).orElse(null);
    if (owner == null) {
      ApiErrors.send(ctx, 403, "forbidden", "only a user of the users file may make tokens");
      return;
    }
    vertx
        .executeBlocking(
            () -> tokens.create(name instanceof String s ? s : null, owner, role), false)
        .onFailure(
            e -> {
              if (e instanceof IllegalArgumentException) {
                ApiErrors.send(ctx, 400, "invalid token request", e.getMessage());
              } else {
                ApiErrors.fail(ctx, e);
              }
            })
        .onSuccess(
            created ->
                ctx.response()
                    .setStatusCode(201)
                    .putHeader("Content-Type", "application/json")
                    .putHeader("Cache-Control", "no-store")
                    .end(
                        dev.portolan.http.IsoTimes.addTo(
                                json(created.token()).put("token", created.secret()))
                            .encode()));
  }

  private void list(RoutingContext ctx) {
    if (refusedWhenOff(ctx)) {
      return;
    }
    JsonArray list = new JsonArray();
    tokens.list().forEach(t -> list.add(json(t)));
    ctx.response()
        .putHeader("Content-Type", "application/json")
        .end(
            dev.portolan.http.IsoTimes.addTo(
                    new JsonObject().put("tokens", list).put("storage", tokens.storage()))
                .encode());
  }

  private void revoke(RoutingContext ctx) {
    if (refusedWhenOff(ctx)) {
      return;
    }
    String id = ctx.pathParam("id");
    if (id == null || !id.matches("[0-9a-f]{12}")) {
      ApiErrors.send(
          ctx, 400, "invalid token id", "a token id is 12 hex digits, as GET /api/v1/tokens lists");
      return;
    }
    vertx
        .executeBlocking(() -> tokens.revoke(id), false)
        .onFailure(e -> ApiErrors.fail(ctx, e))
        .onSuccess(
            found -> {
              if (found) {
                ctx.response().setStatusCode(204).end();
              } else {
                ApiErrors.send(ctx, 404, "no such token", "no token " + id);
              }
            });
  }

  private static JsonObject json(TokenStore.Token t) {
    return new JsonObject()
        .put("id", t.id())
        .put("name", t.name())
        .put("owner", t.owner())
        .put("role", t.role().wireName())
        .put("createdAt", t.createdAt());
  }
}
