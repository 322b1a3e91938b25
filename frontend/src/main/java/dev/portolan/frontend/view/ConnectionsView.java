package dev.portolan.frontend.view;

import java.util.List;

/**
 * A page of sockets: the filters, the rows, how many matched and the link to the next page (null on
 * the last). {@code refreshNamespaces}: the form is not on the page being answered (an htmx
 * request), so the fragment brings the namespace select of the node now shown along (out of band).
 */
public record ConnectionsView(
    FilterForm form,
    List<FleetSocketRow> rows,
    int matched,
    String nextPageHref,
    boolean refreshNamespaces) {}
