package dev.portolan.frontend.view;

import java.util.List;

/** The scans page: the form and the recent scans of every live node. */
public record ScansView(ScanFormView form, List<ScanView> recent) {}
