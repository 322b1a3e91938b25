package dev.portolan.frontend.view;

/** A port label placed in the exposure picture ({@code x}, {@code y} in the SVG's 640x300 box). */
public record VennLabel(int x, int y, String text, String category, String href) {}
