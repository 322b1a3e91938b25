package dev.portolan.frontend.view;

import java.util.List;

/** The scans page: the form, the scan it just started (or null), and the recent scans of this node. */
public record ScansView(ScanFormView form, List<ScanView> recent) {
}
