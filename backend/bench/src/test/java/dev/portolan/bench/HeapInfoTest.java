package dev.portolan.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@code jcmd PID GC.heap_info} as JDK 25 prints it for each collector (captured here). */
class HeapInfoTest {
  private static final String METASPACE =
      """
       Metaspace       used 9132K, committed 9344K, reserved 1114112K
        class space    used 1095K, committed 1216K, reserved 1048576K
      """;

  @Test
  void g1IsOneHeap() {
    String info =
        """
        12345:
         garbage-first heap   total 389120K, used 208558K [0x00000000c0000000, 0x0000000100000000)
          region size 1024K, 1 young (1024K), 0 survivors (0K)
        """
            + METASPACE;
    assertEquals(208_558, PortolanProcess.heapUsedKib(info));
  }

  @Test
  void parallelAddsOldToYoung() {
    String info =
        """
        12345:
         PSYoungGen      total 113152K, used 41004K [0x00000000eab00000, 0x00000000f8800000, 0x0000000100000000)
          eden space 97280K, 26% used [0x00000000eab00000,0x00000000ec3c30c8,0x00000000f0a00000)
          from space 15872K, 98% used [0x00000000f0a00000,0x00000000f19480f0,0x00000000f1980000)
          to   space 15872K, 0% used [0x00000000f7880000,0x00000000f7880000,0x00000000f8800000)
         ParOldGen       total 258048K, used 66577K [0x00000000c0000000, 0x00000000cfc00000, 0x00000000eab00000)
          object space 258048K, 25% used [0x00000000c0000000,0x00000000c4104410,0x00000000cfc00000)
        """
            + METASPACE;
    assertEquals(41_004 + 66_577, PortolanProcess.heapUsedKib(info));
  }

  @Test
  void serialAddsTenuredToNew() {
    String info =
        """
        12345:
         def new generation   total 116160K, used 32314K [0x00000000c0000000, 0x00000000c7e00000, 0x00000000d5550000)
          eden space 103296K,  18% used [0x00000000c0000000, 0x00000000c12fe9b0, 0x00000000c64e0000)
          from space 12864K, 100% used [0x00000000c7170000, 0x00000000c7e00000, 0x00000000c7e00000)
          to   space 12864K,   0% used [0x00000000c64e0000, 0x00000000c64e0000, 0x00000000c7170000)
         tenured generation   total 258048K, used 75471K [0x00000000d5550000, 0x00000000e5150000, 0x0000000100000000)
           the space 258048K,  29% used [0x00000000d5550000, 0x00000000d9f03d48, 0x00000000d9f03e00, 0x00000000e5150000)
        """
            + METASPACE;
    assertEquals(32_314 + 75_471, PortolanProcess.heapUsedKib(info));
  }

  @Test
  void zgcInMegabytes() {
    String info =
        """
        12345:
         ZHeap           used 134M, capacity 378M, max capacity 1024M
        """
            + METASPACE;
    assertEquals(134 * 1024, PortolanProcess.heapUsedKib(info));
  }

  @Test
  void noHeapLine() {
    assertEquals(-1, PortolanProcess.heapUsedKib("12345:\n" + METASPACE));
  }
}
