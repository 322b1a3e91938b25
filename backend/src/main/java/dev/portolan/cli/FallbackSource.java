package dev.portolan.cli;

import dev.portolan.text.PortHolder;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The default node when it answers; this host read in-process (saying so on stderr, once) when
 * nothing listens at the default address and no {@code --server} was given.
 */
final class FallbackSource implements SocketSource {
  private final SocketSource remote;
  private final SocketSource local;
  private final PrintStream err;
  private SocketSource chosen;

  FallbackSource(SocketSource remote, SocketSource local, PrintStream err) {
    this.remote = remote;
    this.local = local;
    this.err = err;
  }

  private <T> T ask(Function<SocketSource, T> question) {
    if (chosen != null) {
      return question.apply(chosen);
    }
    try {
      T answer = question.apply(remote);
      chosen = remote;
      return answer;
    } catch (CliException e) {
      if (e.exitCode() != CliException.UNREACHABLE) {
        throw e;
      }
      chosen = local;
      sayReadingLocally(err, remote.where(), e, local.where());
      return question.apply(local);
    }
  }

  /**
   * The one line that says no node answered at {@code remote} ({@code unreachable}: why) and that
   * {@code local} is read instead.
   */
  static void sayReadingLocally(
      PrintStream err, String remote, CliException unreachable, String local) {
    err.println(
        "portolan: no node at "
            + remote
            + " ("
            + unreachable.getMessage().replaceFirst("^cannot reach [^ ]+: ", "")
            + "); reading "
            + local);
  }

  @Override
  public String where() {
    return chosen != null ? chosen.where() : remote.where();
  }

  @Override
  public List<SocketRow> sockets(Map<String, String> parameters) {
    return ask(s -> s.sockets(parameters));
  }

  @Override
  public List<PortHolder> portHolders(String proto, int port, String node) {
    return ask(s -> s.portHolders(proto, port, node));
  }

  @Override
  public ProcessSockets process(int pid, String node) {
    return ask(s -> s.process(pid, node));
  }

  @Override
  public Map<String, Object> summary(String node) {
    return ask(s -> s.summary(node));
  }

  @Override
  public Map<String, Object> nodes(String node) {
    return ask(s -> s.nodes(node));
  }
}
