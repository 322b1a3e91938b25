package dev.portolan.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code portolan who}'s table and exit code, as the client and the API's text answer print it. */
class WhoTableTest {
  private static PortHolder process(
      String node, int pid, String name, int sockets, boolean listens) {
    return new PortHolder(
        node, "tcp", PortHolder.PROCESS, pid, name, "root", name + " -x", sockets, listens);
  }

  @Test
  void oneLinePerHolderWithItsCountAndWhetherItListens() {
    List<PortHolder> held =
        List.of(
            process("n1", 812, "postgres", 1, true),
            new PortHolder("n1", "tcp", "kernel", 0, null, null, null, 3, false));
    assertEquals(
        "NODE PORT     PID PROCESS  USER SOCKETS LISTENING COMMAND\n"
            + "n1   tcp/5432 812 postgres root       1 yes       postgres -x\n"
            + "n1   tcp/5432   - (kernel) -          3 no\n",
        WhoTable.text(held, 5432, false));
    assertEquals(WhoTable.HELD, WhoTable.exitCode(held));
  }

  @Test
  void nobodyHoldsAPortWithoutSocketsOrWithOnlyTheKernelsAndTheGone() {
    assertEquals("", WhoTable.text(List.of(), 80, true));
    assertEquals(WhoTable.NOBODY, WhoTable.exitCode(List.of()));
    assertEquals(
        WhoTable.NOBODY,
        WhoTable.exitCode(
            List.of(
                new PortHolder("n", "tcp", "kernel", 0, null, null, null, 1, false),
                new PortHolder("n", "udp", "gone", 0, null, null, null, 1, false))));
    assertEquals(
        WhoTable.HELD,
        WhoTable.exitCode(
            List.of(new PortHolder("n", "tcp", "unknown", 0, null, null, null, 1, false))));
  }

  @Test
  void aProcessInSeveralNamespacesOfANodeIsOneHolder() {
    List<PortHolder> held =
        new PortHolder.Grouping()
            .add(process("n1", 7, "nginx", 2, false))
            .add(process("n2", 7, "nginx", 1, false))
            .add(process("n1", 7, "nginx", 3, true))
            .add(new PortHolder("n1", "tcp", "kernel", 0, null, null, null, 1, false))
            .add(new PortHolder("n1", "tcp", "kernel", 0, null, null, null, 4, false))
            .holders();
    assertEquals(3, held.size());
    assertEquals(process("n1", 7, "nginx", 5, true), held.get(0));
    assertEquals(process("n2", 7, "nginx", 1, false), held.get(1));
    assertEquals(5, held.get(2).sockets());
  }

  @Test
  void whatAProcessChoseIsWrittenOutAndTheBoldHeaderIsAsked() {
    String text = WhoTable.text(List.of(process("n", 9, "j\033[2J\nrow", 1, true)), 22, true);
    assertEquals(
        "\033[1mNODE PORT   PID PROCESS       USER SOCKETS LISTENING COMMAND\033[0m\n"
            + "n    tcp/22   9 j\\x1b[2J\\nrow root       1 yes       j\\x1b[2J\\nrow -x\n",
        text);
  }
}
