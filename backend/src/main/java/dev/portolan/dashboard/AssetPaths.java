package dev.portolan.dashboard;

/**
 * Which request paths under {@code /static/} and {@code /webjars/} may go to vertx-web's static
 * handler. No asset has a backslash, a control character, a {@code %} or an encoded {@code /} in
 * its name, nor a {@code .} or {@code ..} segment in its path, as typed or percent-encoded; the
 * static handler throws on some of them ({@code /static/..\}, a 500 with a stack trace, before
 * authentication), so they are refused before it as "no such asset".
 */
final class AssetPaths {
  private AssetPaths() {}

  /**
   * Whether {@code rawPath} (the request's path as sent, still percent-encoded) is under an asset
   * prefix.
   */
  static boolean isAsset(String rawPath) {
    return rawPath != null && (rawPath.startsWith("/static/") || rawPath.startsWith("/webjars/"));
  }

  /**
   * Whether {@code rawPath} names an asset plainly: segments that decode to neither dots nor
   * anything odd.
   */
  static boolean plain(String rawPath) {
    String[] segments = rawPath.substring(1).split("/", -1);
    for (String raw : segments) {
      String segment = decode(raw);
      if (segment == null || segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return false;
      }
      for (int i = 0; i < segment.length(); i++) {
        char c = segment.charAt(i);
        if (c < 0x20 || c == 0x7f || c == '\\' || c == '%' || c == '/') {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * A segment with its {@code %XX} escapes decoded (a byte a char: enough to see what it hides);
   * null if broken.
   */
  private static String decode(String raw) {
    StringBuilder b = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c != '%') {
        b.append(c);
        continue;
      }
      if (i + 2 >= raw.length()) {
        return null;
      }
      int hi = Character.digit(raw.charAt(i + 1), 16);
      int lo = Character.digit(raw.charAt(i + 2), 16);
      if (hi < 0 || lo < 0) {
        return null;
      }
      b.append((char) (hi * 16 + lo));
      i += 2;
    }
    return b.toString();
  }
}
