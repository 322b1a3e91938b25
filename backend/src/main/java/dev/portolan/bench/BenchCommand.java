package dev.portolan.bench;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code portolan bench}: the comparison benchmark against ss, fuser and lsof. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Builds socket populations and times Portolan against ss, fuser and lsof in the same run.")
public final class BenchCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("bench: not yet available");
    return 1;
  }
}
