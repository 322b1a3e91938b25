package dev.portolan.frontend.view;

/**
 * One state's count over the last minutes, as SVG polyline points in a 300 x 60 box ({@code "0,60
 * 5,42 ..."}), with its latest and highest count.
 */
public record TrendLine(String state, String points, int latest, int max) {}
