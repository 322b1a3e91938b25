package dev.portolan.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What the tables print of text that processes chose, aligned or as CSV. */
class TextTableTest {

  @Test
  void textWithNothingATerminalActsOnIsPrintedAsItIs() {
    String plain = "python3 -m http.server 8080 --directory /srv/été";
    assertSame(plain, TextTable.visible(plain));
  }

  @Test
  void controlCharactersAndDirectionOverridesAreWrittenOut() {
    assertEquals("a\\nb\\tc\\rd", TextTable.visible("a\nb\tc\rd"));
    assertEquals("\\x1b[2J\\x07\\x00\\x7f\\x9b", TextTable.visible("\033[2J\007\000\177\u009b"));
    assertEquals("evil\\u202egpj.exe\\u2066", TextTable.visible("evil\u202egpj.exe\u2066"));
  }

  @Test
  void aRowWithANewlineStaysOneRowAndColumnsAlignOnWhatIsPrinted() {
    TextTable table = new TextTable(List.of("PID", "COMMAND"), true, false);
    table.add(List.of("7", "sh -c 'a\nb'")).add(List.of("12345", "x"));
    assertEquals("  PID COMMAND\n    7 sh -c 'a\\nb'\n12345 x\n", table.aligned(false));
    assertEquals(
        "\033[1m  PID COMMAND\033[0m\n    7 sh -c 'a\\nb'\n12345 x\n", table.aligned(true));
  }

  @Test
  void csvQuotesWhatWouldSplitACell() {
    TextTable table = new TextTable(List.of("A", "B"));
    table.add(List.of("x,y", "say \"hi\""));
    assertEquals("A,B\n\"x,y\",\"say \"\"hi\"\"\"\n", table.csv());
  }
}
