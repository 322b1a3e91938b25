package dev.portolan.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;

/**
 * What every client command has in common: where it talks ({@code --server}, {@code --token},
 * {@code --token-file}, {@code --node}), how it prints ({@code -o}), and one line on stderr with
 * the exit code for a {@link CliException}.
 */
abstract class ClientCommand implements Callable<Integer> {
  Terminal terminal = Terminal.system();

  @Option(
      names = "--server",
      paramLabel = "URL",
      description =
          "The node or hub to ask (env PORTOLAN_SERVER; default "
              + Terminal.DEFAULT_SERVER
              + ", and this host read in-process when nothing answers there)")
  String server;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description = "API token, sent as a Bearer token (env PORTOLAN_TOKEN)")
  String token;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description = "Read the API token from the first line of FILE")
  Path tokenFile;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "table (default), json or csv")
  OutputFormat output = OutputFormat.table;

  @Option(names = "--node", paramLabel = "NAME", description = "Only this node of the fleet")
  String node;

  @Override
  public final Integer call() {
    try {
      return run();
    } catch (CliException e) {
      terminal.err().println("portolan: " + e.getMessage());
      return e.exitCode();
    }
  }

  /** The command's work; its exit code. */
  abstract int run();

  /** Whether this command may read this host in-process when no node answers. */
  boolean embeddedAllowed() {
    return true;
  }

  /** The source of answers the options and the environment say. */
  SocketSource source() {
    ServerSource remote = new ServerSource(api());
    if (explicitServer() != null || !embeddedAllowed()) {
      return remote;
    }
    return new FallbackSource(remote, new EmbeddedSource(), terminal.err());
  }

  /** The server the options or the environment name, or null. */
  String explicitServer() {
    return server != null ? server : terminal.env().get("PORTOLAN_SERVER");
  }

  /** The API of the server the options and the environment say (the default one otherwise). */
  ServerApi api() {
    String where = explicitServer();
    return new ServerApi(where != null ? where : terminal.defaultServer(), token());
  }

  /** The node or hub the options and the environment say, with no in-process fallback. */
  ServerApi server() {
    return api();
  }

  private String token() {
    if (token != null) {
      return token;
    }
    if (tokenFile != null) {
      try {
        List<String> lines = Files.readAllLines(tokenFile);
        String first = lines.isEmpty() ? "" : lines.get(0).strip();
        if (first.isEmpty()) {
          throw new CliException(CliException.USAGE, "no token in " + tokenFile);
        }
        return first;
      } catch (IOException e) {
        throw new CliException(
            CliException.USAGE, "cannot read --token-file " + tokenFile + ": " + e.getMessage());
      }
    }
    String fromEnv = terminal.env().get("PORTOLAN_TOKEN");
    return fromEnv == null || fromEnv.isBlank() ? null : fromEnv.strip();
  }

  /** {@code rows} of JSON objects as one JSON array on standard output. */
  void printJson(Object value) {
    terminal.out().println(Json.write(value));
    terminal.out().flush();
  }
}
