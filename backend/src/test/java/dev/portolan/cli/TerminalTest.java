package dev.portolan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.text.TextTable;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the client tells a terminal, and prints tables to it. */
class TerminalTest {

  @Test
  void aTableGoesToStandardOutputWithItsHeaderBoldOnlyOnATerminal() {
    for (boolean tty : new boolean[] {false, true}) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
      TextTable table = new TextTable(List.of("PID", "COMMAND"), true, false);
      table.add(List.of("7", "sh"));
      new Terminal(out, out, Map.of(), tty, "x").print(table, OutputFormat.table);
      assertEquals(table.aligned(tty), bytes.toString(StandardCharsets.UTF_8));
    }
  }

  @Test
  void aTerminalIsWhatTheDescriptorsLinkNames() {
    assertTrue(Terminal.namesTerminal("/dev/pts/3"));
    assertTrue(Terminal.namesTerminal("/dev/tty1"));
    assertTrue(Terminal.namesTerminal("/dev/console"));
    assertFalse(Terminal.namesTerminal("pipe:[123456]"));
    assertFalse(Terminal.namesTerminal("/dev/null"));
    assertFalse(Terminal.namesTerminal("/tmp/out.txt"));
    assertFalse(Terminal.namesTerminal("socket:[42]"));
  }

  @Test
  void thisTestsStandardOutputIsNotATerminal() {
    // surefire reads a forked JVM's output through a pipe (or a file)
    assertFalse(Terminal.stdoutIsTerminal());
  }
}
