package dev.portolan.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.http.InvalidRequests;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InvalidRequestsTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "multipart/form-data; boundary=x",
        "multipart/form-data;boundary=\"a b\"",
        "multipart/mixed; charset=utf-8; BOUNDARY=--x"
      })
  void aBoundaryIsABoundary(String type) {
    assertTrue(InvalidRequests.hasBoundary(type));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "multipart/form-data",
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=\"\"",
        "multipart/form-data; boundary=\"",
        "multipart/form-data; boundary=  ",
        "multipart/form-data; charset=x"
      })
  void noBoundaryOrAnEmptyOneIsNone(String type) {
    assertFalse(InvalidRequests.hasBoundary(type));
  }
}
