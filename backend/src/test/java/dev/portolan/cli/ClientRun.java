package dev.portolan.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** One run of the client in the test's JVM: its exit code, standard output and error. */
record ClientRun(int code, String out, String err) {

  /** A default address where nothing listens, so that runs without --server go embedded. */
  static final String NOWHERE = "http://127.0.0.1:1";

  static ClientRun run(Map<String, String> env, String... args) {
    return run(false, env, args);
  }

  /** A run whose standard output is a terminal (as far as the client can tell). */
  static ClientRun onTty(String... args) {
    return run(true, Map.of(), args);
  }

  private static ClientRun run(boolean tty, Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    int code = Cli.execute(new Terminal(o, e, env, tty, NOWHERE), args);
    o.flush();
    e.flush();
    return new ClientRun(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static ClientRun run(String... args) {
    return run(Map.of(), args);
  }

  /** Standard output's lines after the header. */
  List<String> rows() {
    List<String> lines = out.lines().toList();
    return lines.isEmpty() ? lines : lines.subList(1, lines.size());
  }

  @Override
  public String toString() {
    return "exit " + code + "\nstdout:\n" + out + "\nstderr:\n" + err;
  }
}
