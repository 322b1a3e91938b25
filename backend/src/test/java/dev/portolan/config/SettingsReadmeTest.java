package dev.portolan.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's options table is {@link Settings#markdownTable()}, between two marker comments. To
 * regenerate it after changing a setting: {@code ./mvnw -pl backend -am verify
 * -Dtest=SettingsReadmeTest -Dsurefire.failIfNoSpecifiedTests=false -Dportolan.readme.write=true}.
 */
class SettingsReadmeTest {
  static final String BEGIN =
      "<!-- options table: made from dev.portolan.config.Settings by SettingsReadmeTest;"
          + " do not edit by hand -->\n";
  static final String END = "<!-- end of options table -->";

  @Test
  void readmeOptionsTableIsTheSettingsTable() throws Exception {
    Path readme = readme();
    String text = Files.readString(readme);
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    assertTrue(
        begin >= 0 && end > begin,
        "README.md has the options table between the markers " + BEGIN.strip() + " and " + END);
    String table = text.substring(begin + BEGIN.length(), end);
    String made = Settings.markdownTable();
    if (Boolean.getBoolean("portolan.readme.write") && !table.equals(made)) {
      Files.writeString(
          readme, text.substring(0, begin + BEGIN.length()) + made + text.substring(end));
      table = made;
    }
    assertEquals(
        made,
        table,
        "README.md's options table differs from dev.portolan.config.Settings: regenerate it"
            + " with ./mvnw -pl backend -am verify -Dtest=SettingsReadmeTest -Dsurefire.failIfNoSpecifiedTests=false"
            + " -Dportolan.readme.write=true");
  }

  private static Path readme() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("README.md")) && Files.isDirectory(d.resolve("backend"))) {
        return d.resolve("README.md");
      }
    }
    throw new AssertionError("no README.md above " + Path.of("").toAbsolutePath());
  }
}
