package dev.portolan.netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading namespace identities from {@code /proc/PID/ns/net} links and nsfs files. */
final class NamespaceFiles {
  private NamespaceFiles() {}

  /**
   * The inode in a namespace link's text, {@code net:[4026531840]}; IOException when the link is
   * gone or unreadable.
   */
  static long inodeOfLink(Path link) throws IOException {
    return parseLink(Files.readSymbolicLink(link).toString());
  }

  /** {@code net:[4026531840]} → 4026531840; IOException for anything else. */
  static long parseLink(String text) throws IOException {
    int open = text.indexOf('[');
    int close = text.lastIndexOf(']');
    if (!text.startsWith("net:") || open < 0 || close < open + 2) {
      throw new IOException("not a network namespace link: " + text);
    }
    try {
      return Long.parseLong(text, open + 1, close, 10);
    } catch (NumberFormatException e) {
      throw new IOException("not a network namespace link: " + text, e);
    }
  }

  /** {@code st_ino} of what {@code path} leads to (following links). */
  static long inode(Path path) throws IOException {
    return ((Number) Files.getAttribute(path, "unix:ino")).longValue();
  }

  /**
   * {@code st_dev} and {@code st_ino} of what {@code path} leads to (following links), one stat.
   */
  static long[] deviceAndInode(Path path) throws IOException {
    java.util.Map<String, Object> a = Files.readAttributes(path, "unix:dev,ino");
    return new long[] {((Number) a.get("dev")).longValue(), ((Number) a.get("ino")).longValue()};
  }

  /** {@code st_dev} of what {@code path} leads to (following links). */
  static long device(Path path) throws IOException {
    return ((Number) Files.getAttribute(path, "unix:dev")).longValue();
  }
}
