package dev.portolan.owner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;

/**
 * uid -> user name from {@code /etc/passwd}, re-read when the file's mtime changes. Thread-safe.
 */
final class UserNames {

  private final Path passwd;
  private FileTime loadedMtime;
  private Map<Integer, String> names = Map.of();

  UserNames(Path passwd) {
    this.passwd = passwd;
  }

  /** The name of {@code uid}, or the number as text when passwd does not list it. */
  synchronized String nameOf(int uid) {
    refreshIfChanged();
    String name = names.get(uid);
    return name != null ? name : Integer.toString(uid);
  }

  private void refreshIfChanged() {
    FileTime mtime;
    try {
      mtime = Files.getLastModifiedTime(passwd);
    } catch (IOException e) {
      names = Map.of();
      loadedMtime = null;
      return;
    }
    if (mtime.equals(loadedMtime)) {
      return;
    }
    Map<Integer, String> parsed = new HashMap<>();
    try {
      for (String line : Files.readAllLines(passwd, StandardCharsets.UTF_8)) {
        String[] f = line.split(":", -1);
        if (f.length >= 3) {
          int uid = ProcFs.parseNonNegativeInt(f[2]);
          if (uid >= 0) {
            parsed.putIfAbsent(uid, f[0]);
          }
        }
      }
    } catch (IOException e) {
      return;
    }
    names = parsed;
    loadedMtime = mtime;
  }
}
