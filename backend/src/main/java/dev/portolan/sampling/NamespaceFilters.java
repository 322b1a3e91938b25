package dev.portolan.sampling;

import dev.portolan.http.InvalidQueryException;
import dev.portolan.http.QueryValues;
import dev.portolan.netns.NamespaceLabel;

/** The {@code netns}, {@code container} and {@code pod} filters of {@link SocketFilter}. */
final class NamespaceFilters {
  private static final int MAX_NAME = 253;

  /** A container id given in part must be at least this long (as {@code docker ps} ids are 12). */
  private static final int MIN_ID_PREFIX = 4;

  private NamespaceFilters() {}

  /** A namespace's inode: a whole number from 1; null when not given. */
  static Long netns(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    long inode =
        QueryValues.wholeNumber(
            value, "invalid netns", "netns must be a network namespace's inode, a number from 1");
    if (inode < 1) {
      throw new InvalidQueryException(
          "invalid netns",
          "netns must be a network namespace's inode, a number from 1, got "
              + QueryValues.echo(value));
    }
    return inode;
  }

  /** A container's or pod's name or id, trimmed; null when not given. */
  static String name(String parameter, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.trim();
    if (v.length() > MAX_NAME) {
      throw new InvalidQueryException(
          "invalid " + parameter,
          parameter + " may be at most " + MAX_NAME + " characters, got " + v.length());
    }
    for (int i = 0; i < v.length(); i++) {
      if (Character.isISOControl(v.charAt(i)) || Character.isWhitespace(v.charAt(i))) {
        throw new InvalidQueryException(
            "invalid " + parameter,
            parameter + " is a name or an id, without spaces, got " + QueryValues.echo(value));
      }
    }
    return v;
  }

  /** Whether the row's namespace holds the container named or identified {@code wanted}. */
  static boolean isContainer(OwnedSocket row, String wanted) {
    NamespaceLabel l = label(row);
    if (l == null) {
      return false;
    }
    return wanted.equals(l.containerName())
        || (l.containerId() != null
            && wanted.length() >= MIN_ID_PREFIX
            && l.containerId().startsWith(wanted));
  }

  /** Whether the row's namespace is the pod {@code NAME}, {@code NAMESPACE/NAME} or uid. */
  static boolean isPod(OwnedSocket row, String wanted) {
    NamespaceLabel l = label(row);
    if (l == null) {
      return false;
    }
    if (wanted.equals(l.podUid()) || wanted.equals(l.podName())) {
      return true;
    }
    return l.podName() != null
        && l.podNamespace() != null
        && wanted.equals(l.podNamespace() + "/" + l.podName());
  }

  private static NamespaceLabel label(OwnedSocket row) {
    return row.namespace() == null ? null : row.namespace().label();
  }
}
