package dev.portolan.dashboard;

import com.microsoft.playwright.Page;
import java.nio.file.Paths;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/** Saves a screenshot of the browser page into {@code backend/target/} when a test fails. */
final class ScreenshotOnFailure implements TestWatcher {
  private final Supplier<Page> page;

  ScreenshotOnFailure(Supplier<Page> page) {
    this.page = page;
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    Page p = page.get();
    if (p != null && !p.isClosed()) {
      p.screenshot(
          new Page.ScreenshotOptions()
              .setFullPage(true)
              .setPath(
                  Paths.get(
                      "target",
                      "failed-" + context.getDisplayName().replaceAll("\\W+", "_") + ".png")));
    }
  }
}
