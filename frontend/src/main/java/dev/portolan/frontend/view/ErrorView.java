package dev.portolan.frontend.view;

/** An error page: the HTTP status, a short title and what was wrong. */
public record ErrorView(int status, String title, String detail) {}
