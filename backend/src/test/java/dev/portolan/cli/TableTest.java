package dev.portolan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the client's tables print of text that processes chose, and how it tells a terminal. */
class TableTest {

  @Test
  void textWithNothingATerminalActsOnIsPrintedAsItIs() {
    String plain = "python3 -m http.server 8080 --directory /srv/été";
    assertSame(plain, Table.visible(plain));
  }

  @Test
  void controlCharactersAndDirectionOverridesAreWrittenOut() {
    assertEquals("a\\nb\\tc\\rd", Table.visible("a\nb\tc\rd"));
    assertEquals("\\x1b[2J\\x07\\x00\\x7f\\x9b", Table.visible("\033[2J\007\000\177\u009b"));
    assertEquals("evil\\u202egpj.exe\\u2066", Table.visible("evil\u202egpj.exe\u2066"));
  }

  @Test
  void aRowWithANewlineStaysOneRowAndColumnsAlignOnWhatIsPrinted() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    Table table = new Table(List.of("PID", "COMMAND"), true, false);
    table.add(List.of("7", "sh -c 'a\nb'")).add(List.of("12345", "x"));
    table.print(new Terminal(out, out, Map.of(), false, "x"), OutputFormat.table);
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(List.of("  PID COMMAND", "    7 sh -c 'a\\nb'", "12345 x"), lines);
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
