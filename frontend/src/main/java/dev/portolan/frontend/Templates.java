package dev.portolan.frontend;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;

/**
 * The dashboard's jte templates, precompiled at build time (package {@code
 * dev.portolan.frontend.templates}): nothing is compiled at run time. Every template takes one view
 * record; rendering escapes all text (Html).
 */
public final class Templates {
  private static final TemplateEngine ENGINE =
      TemplateEngine.createPrecompiled(
          null,
          ContentType.Html,
          Templates.class.getClassLoader(),
          "dev.portolan.frontend.templates");

  private Templates() {}

  /**
   * Renders {@code name} (e.g. {@code "page/portmap.jte"}) with its single parameter {@code view}.
   */
  public static String render(String name, Object view) {
    StringOutput out = new StringOutput();
    ENGINE.render(name, view, out);
    return out.toString();
  }

  /** Renders {@code name} with named parameters (for templates that take more than one). */
  public static String render(String name, java.util.Map<String, Object> params) {
    StringOutput out = new StringOutput();
    ENGINE.render(name, params, out);
    return out.toString();
  }
}
