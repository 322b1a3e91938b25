package dev.portolan.sampling;

import dev.portolan.http.InvalidQueryException;
import dev.portolan.http.QueryValues;
import dev.portolan.owner.Owner;
import dev.portolan.socket.Family;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A page of a filtered listing in {@link NodeSnapshot#ORDER}. The cursor is a keyset position (the
 * sort key of the last row), not an offset, so paging stays consistent while the table changes
 * underneath.
 */
public record SocketPage(List<OwnedSocket> rows, String nextCursor, int matched) {
  public static final int DEFAULT_LIMIT = 1000;
  public static final int MAX_LIMIT = 10_000;

  /** How many NUL-separated fields {@link #sortKey} writes. */
  public static final int SORT_KEY_FIELDS = 8;

  private static final char SEP = '\u0000';

  public static SocketPage of(
      NodeSnapshot snapshot, SocketFilter filter, int limit, String cursor) {
    OwnedSocket after = cursor == null ? null : decode(cursor);
    List<OwnedSocket> rows = new ArrayList<>(Math.min(limit, 256));
    int matched = 0;
    OwnedSocket last = null;
    boolean more = false;
    List<OwnedSocket> source =
        Boolean.TRUE.equals(filter.listening()) ? snapshot.sortedListeners() : snapshot.sorted();
    for (OwnedSocket row : source) {
      if (!filter.matches(snapshot.node(), row)) {
        continue;
      }
      matched++;
      if (after != null && NodeSnapshot.ORDER.compare(row, after) <= 0) {
        continue;
      }
      if (rows.size() < limit) {
        rows.add(row);
        last = row;
      } else {
        more = true;
      }
    }
    return new SocketPage(rows, more ? encode(last) : null, matched);
  }

  public static int parseLimit(String value) {
    if (value == null || value.isBlank()) {
      return DEFAULT_LIMIT;
    }
    long n =
        QueryValues.wholeNumber(
            value, "invalid limit", "limit must be a whole number from 1 to " + MAX_LIMIT);
    if (n < 1 || n > MAX_LIMIT) {
      throw new InvalidQueryException(
          "invalid limit",
          "limit must be from 1 to " + MAX_LIMIT + ", got " + QueryValues.echo(value));
    }
    return (int) n;
  }

  /**
   * Checks a cursor's form up front (so a bad one is a 400 before any work); returns it, or null if
   * blank.
   */
  public static String validCursor(String cursor) {
    if (cursor == null || cursor.isBlank()) {
      return null;
    }
    decode(cursor);
    return cursor;
  }

  static String encode(OwnedSocket row) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(("c1" + SEP + sortKey(row)).getBytes(StandardCharsets.UTF_8));
  }

  static OwnedSocket decode(String cursor) {
    try {
      String key = cursorText(cursor);
      if (!key.startsWith("c1" + SEP)) {
        throw new IllegalArgumentException("not a cursor");
      }
      return fromSortKey(key.substring(3));
    } catch (IllegalArgumentException e) {
      throw invalidCursor();
    }
  }

  /**
   * A row's position in {@link NodeSnapshot#ORDER} as text: {@value #SORT_KEY_FIELDS} fields
   * separated by NUL (protocol, local port, local address, remote port, remote address, path,
   * inode, network namespace inode). Cursors are built from it.
   */
  public static String sortKey(OwnedSocket row) {
    SocketEntry e = row.socket();
    return e.proto().wireName()
        + SEP
        + e.localPort()
        + SEP
        + nz(e.localAddress())
        + SEP
        + e.remotePort()
        + SEP
        + nz(e.remoteAddress())
        + SEP
        + nz(e.path())
        + SEP
        + e.inode()
        + SEP
        + row.netnsInode();
  }

  /**
   * A probe row at the position {@link #sortKey} wrote (only the fields {@link NodeSnapshot#ORDER}
   * compares are meaningful). Throws {@link IllegalArgumentException} when {@code key} is not one.
   */
  public static OwnedSocket fromSortKey(String key) {
    String[] f = key.split(String.valueOf(SEP), -1);
    if (f.length != SORT_KEY_FIELDS) {
      throw new IllegalArgumentException("not a sort key");
    }
    Protocol proto = Protocol.fromWire(f[0]);
    SocketEntry probe =
        new SocketEntry(
            proto,
            proto == Protocol.UNIX ? Family.UNIX : Family.IPV4,
            f[2],
            Integer.parseInt(f[1]),
            f[4],
            Integer.parseInt(f[3]),
            SocketState.CLOSE,
            0,
            0,
            0,
            Long.parseLong(f[6]),
            null,
            f[5].isEmpty() ? null : f[5],
            0,
            Long.parseLong(f[7]));
    return new OwnedSocket(probe, Owner.UNKNOWN);
  }

  /**
   * The text inside a cursor (base64url of UTF-8); {@link IllegalArgumentException} when it is not
   * base64url.
   */
  public static String cursorText(String cursor) {
    if (cursor.length() > 2048) {
      throw new IllegalArgumentException("too long");
    }
    return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
  }

  /** A cursor that is not one this server handed out (400). */
  public static InvalidQueryException invalidCursor() {
    return new InvalidQueryException(
        "invalid cursor", "the cursor is not one this server handed out; start again without it");
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
