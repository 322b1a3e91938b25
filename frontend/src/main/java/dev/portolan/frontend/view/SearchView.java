package dev.portolan.frontend.view;

import java.util.List;

/**
 * The fleet search: the text as typed, what it was read as ("port 5432, local or remote"), an error
 * for input that cannot be searched (null otherwise), the rows of this page, a line saying how many
 * matched, and the link to the next page (null on the last). {@code asked} is false for the empty
 * form.
 */
public record SearchView(
    String q,
    boolean asked,
    String meaning,
    String error,
    List<FleetSocketRow> rows,
    String matched,
    String nextPageHref) {
  public static SearchView empty() {
    return new SearchView("", false, null, null, List.of(), null, null);
  }

  public static SearchView error(String q, String error) {
    return new SearchView(q, true, null, error, List.of(), null, null);
  }
}
