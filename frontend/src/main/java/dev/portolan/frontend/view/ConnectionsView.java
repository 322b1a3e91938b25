package dev.portolan.frontend.view;

import java.util.List;

/**
 * A page of sockets: the filters, the rows, how many matched and the link to the next page (null on
 * the last).
 */
public record ConnectionsView(
    FilterForm form, List<FleetSocketRow> rows, int matched, String nextPageHref) {}
