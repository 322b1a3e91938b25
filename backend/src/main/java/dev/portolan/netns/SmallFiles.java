package dev.portolan.netns;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads of small {@code /proc} and runtime files that report a missing or unreadable file as null.
 */
final class SmallFiles {

  /** Enough for any cgroup, comm, cmdline or environ file worth reading. */
  static final int MAX_BYTES = 256 * 1024;

  private SmallFiles() {}

  /** The file's text (at most {@link #MAX_BYTES}), or null when it cannot be read. */
  static String text(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return new String(in.readNBytes(MAX_BYTES), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The names in a directory, empty when it is missing or unreadable. */
  static List<String> names(Path dir) {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        names.add(p.getFileName().toString());
      }
    } catch (IOException | RuntimeException e) {
      // nothing there for us
    }
    return names;
  }

  /** The NUL-separated fields of a cmdline or environ file; empty when it is null. */
  static List<String> nulSeparated(String text) {
    List<String> fields = new ArrayList<>();
    if (text == null) {
      return fields;
    }
    int start = 0;
    for (int i = 0; i <= text.length(); i++) {
      if (i == text.length() || text.charAt(i) == '\0') {
        if (i > start) {
          fields.add(text.substring(start, i));
        }
        start = i + 1;
      }
    }
    return fields;
  }
}
