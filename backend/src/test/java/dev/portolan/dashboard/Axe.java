package dev.portolan.dashboard;

import com.microsoft.playwright.Page;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * axe-core (a test resource, MPL-2.0, see {@code axe-core/README.md}) run in a page: the page's
 * violations of the WCAG 2.x A and AA rules and axe's best practices, one line per rule with the
 * elements it names.
 */
final class Axe {
  private static final String SOURCE = read("/axe-core/axe.min.js");

  private Axe() {}

  /**
   * The violations in {@code page} as it is now, each as {@code "rule (impact): help; targets"}.
   * The page's context must bypass its Content Security Policy (the script is injected inline).
   */
  @SuppressWarnings("unchecked")
  static List<String> violations(Page page) {
    if (!(Boolean) page.evaluate("() => typeof window.axe === 'object'")) {
      page.addScriptTag(new Page.AddScriptTagOptions().setContent(SOURCE));
    }
    List<Map<String, Object>> found =
        (List<Map<String, Object>>)
            page.evaluate(
                """
                async () => {
                  const r = await axe.run(document, {resultTypes: ['violations']});
                  return r.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    targets: v.nodes.map(n => n.target.join(' ')
                      + (v.id === 'color-contrast' && n.any[0] ? ' [' + n.any[0].message + ']' : ''))
                  }));
                }
                """);
    List<String> lines = new ArrayList<>();
    for (Map<String, Object> v : found) {
      lines.add(
          v.get("id")
              + " ("
              + v.get("impact")
              + "): "
              + v.get("help")
              + "; "
              + String.join(", ", (List<String>) v.get("targets")));
    }
    return lines;
  }

  private static String read(String resource) {
    try (InputStream in = Axe.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
