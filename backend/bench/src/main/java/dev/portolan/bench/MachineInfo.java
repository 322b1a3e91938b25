package dev.portolan.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine a run was measured on: CPUs, CPU model, kernel, memory, JDK. */
record MachineInfo(int cpus, String cpuModel, String kernel, long memoryMib, String jdk) {

  static MachineInfo current() {
    return new MachineInfo(
        Runtime.getRuntime().availableProcessors(),
        readCpuModel(),
        firstLine(Path.of("/proc/sys/kernel/osrelease")),
        readMemoryMib(),
        System.getProperty("java.vm.vendor")
            + " "
            + System.getProperty("java.vm.name")
            + " "
            + Runtime.version());
  }

  String describe() {
    return String.format(
        "%d CPUs (nproc), %s, Linux %s, %,d MiB RAM, JDK %s",
        cpus, cpuModel, kernel, memoryMib, jdk);
  }

  private static String readCpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException ignored) {
      // fall through
    }
    return "unknown CPU";
  }

  private static long readMemoryMib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
        }
      }
    } catch (IOException | NumberFormatException ignored) {
      // fall through
    }
    return -1;
  }

  private static String firstLine(Path file) {
    try {
      return Files.readAllLines(file).getFirst().trim();
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
