package dev.portolan.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code portolan scan TARGET -p SPEC}: starts a scan through the API ({@code POST /api/v1/scans}),
 * follows its events (a live progress line on a terminal), then prints nmap's table, and writes
 * nmap's grepable ({@code -oG}) and XML ({@code -oX}) formats.
 */
@Command(
    name = "scan",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Scan ports of TARGET from a node, like nmap -sT (or -sU): a live progress line on a"
            + " terminal, then nmap's PORT STATE SERVICE table. Only what the node's scan policy"
            + " allows (loopback and its own addresses by default).",
    footer = {
      "",
      "Examples:",
      "  portolan scan 127.0.0.1 -p 1-1024            like nmap -sT -p 1-1024 127.0.0.1",
      "  portolan scan 10.0.0.5 -p 22,80,443 --from web-1",
      "  portolan scan 127.0.0.1 -sU -p 53,123 --preset polite",
      "  portolan scan 127.0.0.1 -p top:100 -oX scan.xml -oG -",
      "",
      "Exit codes: 0 the scan completed, 2 usage (or refused by the policy's 400),",
      "3 server unreachable, 4 refused (401/403: a token, a role, or the policy), 5 it failed,",
      "130 Ctrl-C: the node cancels the scan, and the table shows what was found.",
    })
final class ScanCommand extends ClientCommand {

  @Parameters(
      paramLabel = "TARGET",
      description = "A host name, an address, a CIDR block or a list")
  String target;

  @Option(
      names = "-p",
      paramLabel = "SPEC",
      description = "Ports: 22,80,443, 1-1024, - (all), top:100 (default top:1000)")
  String ports;

  @Option(names = "-sU", description = "UDP scan (default: TCP connect, like -sT)")
  boolean udp;

  @Option(names = "-sT", description = "TCP connect scan (the default)")
  boolean tcp;

  @Option(names = "--preset", paramLabel = "P", description = "polite, normal or aggressive")
  String preset;

  @Option(
      names = "--from",
      paramLabel = "NODE",
      description = "The node that scans (default: the server's own)")
  String from;

  @Option(names = "--banners", description = "Read what open TCP ports say (service banners)")
  boolean banners;

  @Option(
      names = "-oG",
      paramLabel = "FILE",
      description = "nmap's grepable output to FILE (- for stdout)")
  String grepable;

  @Option(
      names = "-oX",
      paramLabel = "FILE",
      description = "nmap's XML output to FILE (- for stdout)")
  String xml;

  @Option(names = "--json", description = "The scan's state and results as the API's JSON")
  boolean json;

  @Override
  boolean embeddedAllowed() {
    return false;
  }

  @Override
  int run() {
    if (udp && tcp) {
      throw new CliException(CliException.USAGE, "give -sT or -sU, not both");
    }
    ServerApi api = api();
    String scanner = from != null ? from : node;
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("target", target);
    if (ports != null) {
      body.put("ports", ports);
    }
    body.put("proto", udp ? "udp" : "tcp");
    if (preset != null) {
      body.put("preset", preset.toLowerCase(Locale.ROOT));
    }
    if (banners) {
      body.put("banners", true);
    }
    if (scanner != null) {
      body.put("node", scanner);
    }
    ScanResult started = ScanResult.fromJson(api.post("/api/v1/scans", body));
    Map<String, String> where = scanner == null ? Map.of() : Map.of("node", scanner);
    ScanProgress progress = new ScanProgress(terminal, started.target());
    CtrlC ctrlC = new CtrlC(api, started, where, progress);
    Thread hook = new Thread(ctrlC::cancel, "portolan-scan-ctrl-c");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      ScanResult scan = follow(api, started, where, progress);
      if (!ctrlC.finishHere()) {
        ctrlC.awaitForever(); // Ctrl-C came first: the hook prints, and the JVM exits with 130
      }
      try {
        progress.clear();
        return report(api, scan, where);
      } finally {
        ctrlC.finished();
      }
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs, or has run
      }
    }
  }

  /** Prints {@code scan} as the options say; the exit code (5 when it did not complete). */
  private int report(ServerApi api, ScanResult scan, Map<String, String> where) {
    print(api, scan, where);
    if (!scan.completed()) {
      terminal
          .err()
          .println(
              "portolan: scan "
                  + scan.id()
                  + " "
                  + scan.status()
                  + (scan.error() == null ? "" : ": " + scan.error()));
      return CliException.FAILED;
    }
    return 0;
  }

  /** Prints {@code scan}'s results as the options say. */
  private void print(ServerApi api, ScanResult scan, Map<String, String> where) {
    boolean toStdout =
        json || output == OutputFormat.json || "-".equals(grepable) || "-".equals(xml);
    if (grepable != null) {
      write(grepable, api.text("/api/v1/scans/" + scan.id(), with(where, "format", "grepable")));
    }
    if (xml != null) {
      write(xml, NmapXml.of(scan, commandLine()));
    }
    if (json || output == OutputFormat.json) {
      printJson(api.get("/api/v1/scans/" + scan.id(), where));
    } else if (output == OutputFormat.csv) {
      terminal.out().print(api.text("/api/v1/scans/" + scan.id(), with(where, "format", "csv")));
      terminal.out().flush();
    } else if (!toStdout) {
      NmapText.print(terminal, scan);
    }
  }

  /**
   * Ctrl-C (SIGINT) while the scan runs: a shutdown hook asks the node to cancel the scan ({@code
   * DELETE /api/v1/scans/{id}}), prints the partial results as the options say and a line "scan
   * cancelled"; the JVM then exits with 130, as it does on SIGINT. Whichever of the hook and the
   * command's own end comes first prints; the other waits.
   */
  private final class CtrlC {
    private final ServerApi api;
    private final ScanResult started;
    private final Map<String, String> where;
    private final ScanProgress progress;
    private final java.util.concurrent.atomic.AtomicBoolean taken =
        new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.CountDownLatch printed =
        new java.util.concurrent.CountDownLatch(1);

    CtrlC(ServerApi api, ScanResult started, Map<String, String> where, ScanProgress progress) {
      this.api = api;
      this.started = started;
      this.where = where;
      this.progress = progress;
    }

    /** Whether the command's own end may print (Ctrl-C did not come first). */
    boolean finishHere() {
      return taken.compareAndSet(false, true);
    }

    void finished() {
      printed.countDown();
    }

    void awaitForever() {
      try {
        new java.util.concurrent.CountDownLatch(1).await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** The shutdown hook: cancels and reports, or waits for the command's own report. */
    void cancel() {
      if (!taken.compareAndSet(false, true)) {
        try {
          printed.await(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return;
      }
      String path = "/api/v1/scans/" + started.id();
      try {
        api.delete(path, where);
        ScanResult scan = ScanResult.fromJson(api.get(path, where));
        for (long deadline = System.nanoTime() + 5_000_000_000L;
            !scan.finished() && System.nanoTime() < deadline; ) {
          Thread.sleep(100); // the engine stops at once: rarely more than one look
          scan = ScanResult.fromJson(api.get(path, where));
        }
        progress.clear();
        print(api, scan, where);
        terminal
            .err()
            .println(
                "portolan: scan cancelled (Ctrl-C): "
                    + scan.done()
                    + " of "
                    + scan.total()
                    + " probes done; the table has what was found");
      } catch (CliException e) {
        terminal
            .err()
            .println(
                "portolan: Ctrl-C, but scan " + started.id() + " may still run: " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      terminal.out().flush();
      terminal.err().flush();
    }
  }

  /**
   * Follows the scan's event stream (progress on a terminal) until it is done, then reads its
   * results; when the stream breaks, asks for the state until the scan has finished.
   */
  private static ScanResult follow(
      ServerApi api, ScanResult started, Map<String, String> where, ScanProgress progress) {
    String path = "/api/v1/scans/" + started.id();
    try (PlainHttp.Stream stream = api.events(path + "/events", where, null)) {
      SseReader events = new SseReader(stream.body());
      for (SseReader.Event e = events.next(); e != null; e = events.next()) {
        if (e.type().equals("done")) {
          break;
        }
        if (e.type().equals("progress") || e.type().equals("port")) {
          progress.update(e);
        }
      }
    } catch (IOException e) {
      // the stream broke: the state is asked for below, until the scan has finished
    }
    ScanResult scan = ScanResult.fromJson(api.get(path, where));
    while (!scan.finished()) {
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException(
            CliException.FAILED, "interrupted while scan " + scan.id() + " runs");
      }
      progress.update(scan.done(), scan.total());
      scan = ScanResult.fromJson(api.get(path, where));
    }
    return scan;
  }

  /** The scan's command line, for the XML's {@code args}. */
  private String commandLine() {
    StringBuilder b = new StringBuilder("portolan scan ").append(target);
    b.append(" -p ").append(ports == null ? "top:1000" : ports).append(udp ? " -sU" : " -sT");
    if (preset != null) {
      b.append(" --preset ").append(preset);
    }
    if (from != null || node != null) {
      b.append(" --from ").append(from != null ? from : node);
    }
    return b.toString();
  }

  private static Map<String, String> with(Map<String, String> query, String key, String value) {
    Map<String, String> out = new LinkedHashMap<>(query);
    out.put(key, value);
    return out;
  }

  private void write(String file, String text) {
    if (file.equals("-")) {
      terminal.out().print(text);
      terminal.out().flush();
      return;
    }
    try {
      Files.writeString(Path.of(file), text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CliException(CliException.FAILED, "cannot write " + file + ": " + e.getMessage());
    }
  }
}
