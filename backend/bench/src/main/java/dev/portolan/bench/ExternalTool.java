package dev.portolan.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A command-line tool compared against ({@code ss}, {@code netstat}, {@code lsof}, {@code fuser},
 * {@code cat}), found on PATH. {@link #run} runs it once with stdout and stderr discarded and waits
 * for it: the measured time is the wall time of the whole process, start-up included, as a user
 * typing the command would see it. {@link #capture} runs it keeping its output (nmap's results,
 * {@code ip}'s errors).
 */
final class ExternalTool {
  private final String name;
  private final Path executable;

  private ExternalTool(String name, Path executable) {
    this.name = name;
    this.executable = executable;
  }

  /** The tool if an executable of that name is on PATH. */
  static Optional<ExternalTool> find(String name) {
    String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(new ExternalTool(name, candidate));
      }
    }
    return Optional.empty();
  }

  String name() {
    return name;
  }

  /**
   * Where the executable is, for commands started otherwise (e.g. a child process run through
   * {@code ip netns exec}).
   */
  String executablePath() {
    return executable.toString();
  }

  /**
   * Runs the tool with {@code args}, output discarded; fails on a crash or an exit code above 1
   * (fuser/lsof use 1 for "nothing found").
   */
  void run(List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(executable.toString());
    command.addAll(args);
    Process p =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    int code = p.waitFor();
    if (code > 1) {
      throw new IOException(name + " " + String.join(" ", args) + " exited with " + code);
    }
  }

  /**
   * What {@link #capture} saw: the exit code, stdout, stderr, and the process's wall time (start to
   * exit).
   */
  record Captured(int exitCode, String stdout, String stderr, long nanos) {
    boolean ok() {
      return exitCode == 0;
    }

    /** The first line of stderr, for messages ("skipped: ip netns add: Permission denied"). */
    String firstErrorLine() {
      String trimmed = stderr.strip();
      return trimmed.isEmpty() ? "exit code " + exitCode : trimmed.lines().findFirst().orElse("");
    }
  }

  /**
   * Runs the tool with {@code args} and keeps its output: stdout and stderr go to temporary files
   * (a long output cannot block the tool, and nothing reads it while it runs), read back after it
   * exits. {@code nanos} is the wall time of the process alone, as in {@link #run}. Any exit code
   * is returned, not thrown.
   */
  Captured capture(List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(executable.toString());
    command.addAll(args);
    Path out = Files.createTempFile("portolan-bench-" + name, ".out");
    Path err = Files.createTempFile("portolan-bench-" + name, ".err");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      long start = System.nanoTime();
      Process p = builder.start();
      int code = p.waitFor();
      long nanos = System.nanoTime() - start;
      return new Captured(code, Files.readString(out), Files.readString(err), nanos);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
