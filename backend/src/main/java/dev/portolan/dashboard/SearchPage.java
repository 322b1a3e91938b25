package dev.portolan.dashboard;

import dev.portolan.bus.ListedSocket;
import dev.portolan.bus.NodesReply;
import dev.portolan.fleet.FleetPage;
import dev.portolan.frontend.view.FleetSocketRow;
import dev.portolan.frontend.view.SearchView;
import dev.portolan.http.InvalidQueryException;
import dev.portolan.http.QueryValues;
import dev.portolan.http.RequestException;
import dev.portolan.query.FleetApi;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code /search?q=...}: one box for the whole fleet (see {@link SearchQuery}), results paged with
 * the fleet's cursor. Input that cannot be searched is a 400 with the reason in the results area,
 * never a 500; the form swaps the results fragment.
 */
final class SearchPage {
  private static final Logger LOG = Logger.getLogger(SearchPage.class.getName());
  static final int PAGE = 100;

  /**
   * An address search checks candidates a chunk at a time, at most this many chunks per page of
   * results.
   */
  static final int CHUNK = 500;

  static final int MAX_CHUNKS = 20;

  private final FleetApi fleet;

  private SearchPage(FleetApi fleet) {
    this.fleet = fleet;
  }

  static void mount(Router router, FleetApi fleet) {
    router.get("/search").handler(Guarded.page(new SearchPage(fleet)::search));
  }

  /** The rows of one page of results and how many sockets were looked at for them. */
  private record Found(List<ListedSocket> rows, int checked, int matched, String nextCursor) {}

  private void search(RoutingContext ctx, Map<String, List<String>> params) {
    QueryValues.rejectUnknown(params, Set.of("q", "cursor"));
    String q = QueryValues.single(params, "q");
    SearchQuery query;
    String cursor;
    try {
      query = SearchQuery.parse(q);
      cursor = FleetPage.validCursor(QueryValues.single(params, "cursor"));
    } catch (InvalidQueryException e) {
      send(ctx, 400, SearchView.error(q == null ? "" : q.strip(), e.detail()));
      return;
    }
    if (query == null) {
      send(ctx, 200, SearchView.empty());
      return;
    }
    Future<NodesReply> nodes = fleet.nodes(null);
    Future<Found> found =
        query.address() == null
            ? page(query, cursor)
            : collect(query, cursor, new ArrayList<>(), 0, 0);
    Future.all(nodes, found)
        .onSuccess(
            all -> {
              FleetSocketRows rows =
                  FleetSocketRows.with(nodes.result(), System.currentTimeMillis());
              Found f = found.result();
              List<FleetSocketRow> shown = rows.of(f.rows());
              send(
                  ctx,
                  200,
                  new SearchView(
                      query.text(),
                      true,
                      query.meaning(),
                      null,
                      shown,
                      matched(f, cursor),
                      next(query, f.nextCursor())));
            })
        .onFailure(e -> failed(ctx, q, e));
  }

  private Future<Found> page(SearchQuery query, String cursor) {
    return fleet
        .sockets(query.filter(), PAGE, cursor)
        .map(p -> new Found(p.sockets(), p.sockets().size(), p.matched(), p.nextCursor()));
  }

  /**
   * Candidates a chunk at a time, kept when their address matches, until a page is full or the
   * chunks run out.
   */
  private Future<Found> collect(
      SearchQuery query, String cursor, List<ListedSocket> kept, int checked, int chunks) {
    return fleet
        .sockets(query.filter(), CHUNK, cursor)
        .compose(
            p -> {
              List<ListedSocket> candidates = p.sockets();
              for (ListedSocket candidate : candidates) {
                if (query.address().matches(candidate.entry())) {
                  kept.add(candidate);
                }
              }
              int seen = checked + candidates.size();
              String next = p.nextCursor();
              if (next == null || kept.size() >= PAGE || chunks + 1 >= MAX_CHUNKS) {
                return Future.succeededFuture(new Found(kept, seen, -1, next));
              }
              return collect(query, next, kept, seen, chunks + 1);
            });
  }

  private static String matched(Found f, String cursor) {
    String page = cursor == null ? "" : " (a later page)";
    if (f.matched() >= 0) {
      return f.matched()
          + (f.matched() == 1 ? " socket matches" : " sockets match")
          + "; showing "
          + f.rows().size()
          + page;
    }
    return f.rows().size()
        + " found among "
        + f.checked()
        + " sockets checked"
        + page
        + (f.nextCursor() == null ? "" : "; the next page looks further");
  }

  private static String next(SearchQuery query, String nextCursor) {
    if (nextCursor == null) {
      return null;
    }
    Map<String, List<String>> params = new LinkedHashMap<>();
    params.put("q", List.of(query.text()));
    params.put("cursor", List.of(nextCursor));
    return Links.withQuery("/search", params);
  }

  private static void send(RoutingContext ctx, int status, SearchView view) {
    HtmlReplies.send(ctx, status, "fragment/search.jte", "page/search.jte", Map.of("view", view));
  }

  /**
   * A failure in the results area (the form stays usable): refusals as they are, timeouts 503, the
   * rest 500.
   */
  private static void failed(RoutingContext ctx, String q, Throwable e) {
    String text = q == null ? "" : q.strip();
    if (e instanceof RequestException r) {
      send(ctx, r.status(), SearchView.error(text, r.detail()));
    } else if (e instanceof ReplyException r && r.failureType() != ReplyFailure.RECIPIENT_FAILURE) {
      send(ctx, 503, SearchView.error(text, "the hub did not answer in time; try again"));
    } else {
      LOG.log(Level.WARNING, "search failed: " + QueryValues.echo(q), e);
      send(ctx, 500, SearchView.error(text, "the search failed; see the hub's log"));
    }
  }
}
