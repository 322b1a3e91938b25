package dev.portolan.verticles;

import dev.portolan.http.InvalidQueryException;
import dev.portolan.http.QueryValues;
import dev.portolan.scan.policy.HostsFile;
import dev.portolan.scan.policy.ResolvConf;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.dns.DnsClient;
import io.vertx.core.dns.DnsClientOptions;
import io.vertx.core.dns.DnsException;
import io.vertx.core.dns.DnsResponseCode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a scan's or check's host name into addresses without holding a thread: {@code /etc/hosts}
 * first (read asynchronously at each look-up), then the DNS servers of {@code /etc/resolv.conf}
 * with its search domains, through Vert.x's non-blocking DNS client, A and AAAA records at once
 * (IPv4 first). The whole look-up has a deadline ({@value #DEADLINE_MILLIS} ms): a name that does
 * not resolve, or whose servers do not answer in time, fails with {@link InvalidQueryException}
 * "does not resolve" (400). Each server is asked in turn, for a share of the deadline.
 *
 * <p>Internal, for tests: the system property {@value #SERVERS_PROPERTY} ({@code host:port,...},
 * read when the resolver is made) replaces the servers of {@code /etc/resolv.conf}.
 */
final class HostResolver {
  static final long DEADLINE_MILLIS = 3_000;
  private static final String HOSTS = "/etc/hosts";
  private static final String RESOLV_CONF = "/etc/resolv.conf";

  static final String SERVERS_PROPERTY = "portolan.dns.servers";

  private final Vertx vertx;
  private final Map<String, DnsClient> clients = new ConcurrentHashMap<>();

  /** The servers to ask instead of resolv.conf's, or null. */
  private final List<InetSocketAddress> serversOverride;

  HostResolver(Vertx vertx) {
    this.vertx = vertx;
    this.serversOverride = servers(System.getProperty(SERVERS_PROPERTY));
  }

  private static List<InetSocketAddress> servers(String property) {
    if (property == null || property.isBlank()) {
      return null;
    }
    List<InetSocketAddress> out = new ArrayList<>();
    for (String server : property.split(",")) {
      int colon = server.lastIndexOf(':');
      out.add(
          InetSocketAddress.createUnresolved(
              server.substring(0, colon).strip(),
              Integer.parseInt(server.substring(colon + 1).strip())));
    }
    return List.copyOf(out);
  }

  /** The addresses of {@code name} (never empty), or a failed future with "does not resolve". */
  Future<List<InetAddress>> resolve(String name) {
    Promise<List<InetAddress>> result = Promise.promise();
    long timer =
        vertx.setTimer(
            DEADLINE_MILLIS,
            t ->
                result.tryFail(
                    doesNotResolve(name, "no answer within " + DEADLINE_MILLIS / 1000 + " s")));
    hostsFile()
        .compose(
            hosts -> {
              List<InetAddress> listed = hosts.addresses(name);
              if (!listed.isEmpty()) {
                return Future.succeededFuture(listed);
              }
              return readText(RESOLV_CONF)
                  .map(ResolvConf::parse)
                  .compose(
                      conf -> {
                        List<InetSocketAddress> servers =
                            serversOverride != null
                                ? serversOverride
                                : conf.servers().stream()
                                    .map(
                                        a ->
                                            InetSocketAddress.createUnresolved(
                                                a.getHostAddress(), 53))
                                    .toList();
                        return ask(servers, conf.candidates(name), 0, name, null);
                      });
            })
        .onComplete(
            ar -> {
              vertx.cancelTimer(timer);
              if (ar.succeeded()) {
                result.tryComplete(ar.result());
              } else {
                result.tryFail(ar.cause());
              }
            });
    return result.future();
  }

  private Future<HostsFile> hostsFile() {
    return readText(HOSTS).map(HostsFile::parse);
  }

  private Future<String> readText(String path) {
    return vertx
        .fileSystem()
        .readFile(path)
        .map(b -> b.toString(java.nio.charset.StandardCharsets.UTF_8))
        .recover(e -> Future.succeededFuture(""));
  }

  /**
   * Asks for candidate {@code i} and the ones after it until one resolves; {@code why}: the last
   * failure.
   */
  private Future<List<InetAddress>> ask(
      List<InetSocketAddress> servers, List<String> candidates, int i, String name, String why) {
    if (i >= candidates.size()) {
      return Future.failedFuture(doesNotResolve(name, why == null ? "no address" : why));
    }
    long share = Math.max(500, DEADLINE_MILLIS / servers.size());
    return askServers(servers, 0, candidates.get(i), share, null)
        .recover(e -> ask(servers, candidates, i + 1, name, e.getMessage()));
  }

  /**
   * The addresses of {@code query} from server {@code s} or, when it does not answer, the next one.
   * A server's answer without addresses (NXDOMAIN, none of the kind) is final for this name.
   */
  private Future<List<InetAddress>> askServers(
      List<InetSocketAddress> servers, int s, String query, long timeoutMillis, String why) {
    if (s >= servers.size()) {
      return Future.failedFuture(new IllegalStateException(why));
    }
    InetSocketAddress server = servers.get(s);
    DnsClient dns =
        clients.computeIfAbsent(
            text(server) + "/" + timeoutMillis,
            k ->
                vertx.createDnsClient(
                    new DnsClientOptions()
                        .setHost(server.getHostString())
                        .setPort(server.getPort())
                        .setQueryTimeout(timeoutMillis)));
    Future<List<String>> v4 = dns.resolveA(query);
    Future<List<String>> v6 = dns.resolveAAAA(query);
    return Future.join(v4, v6)
        .transform(
            done -> {
              List<InetAddress> found = new ArrayList<>();
              addAll(found, v4);
              addAll(found, v6);
              if (!found.isEmpty()) {
                return Future.succeededFuture(found);
              }
              DnsResponseCode code = code(v4) != null ? code(v4) : code(v6);
              boolean answered = code != null || v4.succeeded() || v6.succeeded();
              if (answered) {
                return Future.failedFuture(
                    new IllegalStateException(
                        (code == null ? "no address" : code.toString()) + " from " + text(server)));
              }
              return askServers(
                  servers,
                  s + 1,
                  query,
                  timeoutMillis,
                  "no answer from "
                      + servers.stream()
                          .limit(s + 1)
                          .map(HostResolver::text)
                          .reduce((a, b) -> a + ", " + b)
                          .orElse(""));
            });
  }

  /** A server as the detail names it: its address, and its port unless 53. */
  private static String text(InetSocketAddress server) {
    return server.getPort() == 53
        ? server.getHostString()
        : server.getHostString() + ":" + server.getPort();
  }

  private static DnsResponseCode code(Future<List<String>> f) {
    return f.failed() && f.cause() instanceof DnsException d ? d.code() : null;
  }

  private static void addAll(List<InetAddress> into, Future<List<String>> f) {
    if (f.succeeded() && f.result() != null) {
      for (String a : f.result()) {
        if (a == null || !a.matches("[0-9A-Fa-f:.]+")) {
          continue; // a literal only: anything else would make getByName look it up
        }
        try {
          into.add(InetAddress.getByAddress(InetAddress.getByName(a).getAddress()));
        } catch (UnknownHostException e) {
          // a record that is no address: skipped
        }
      }
    }
  }

  private static InvalidQueryException doesNotResolve(String name, String why) {
    return new InvalidQueryException(
        "does not resolve",
        QueryValues.echo(name)
            + " does not resolve ("
            + why
            + "): check the name, or give an address");
  }
}
