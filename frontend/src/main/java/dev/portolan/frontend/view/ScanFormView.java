package dev.portolan.frontend.view;

/** The scan form, filled with what was asked (or the defaults); {@code error} says why the last try was refused. */
public record ScanFormView(String target, String ports, String proto, String preset, boolean banners, String error) {
  public static ScanFormView defaults() {
    return new ScanFormView("127.0.0.1", "top:100", "tcp", "normal", false, null);
  }
}
